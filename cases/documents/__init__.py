"""文书与卷宗: the printed papers of a case and its bound file."""
