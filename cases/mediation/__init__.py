"""调解: records, agreements, advice notes, files, and how mediation ends or goes on."""
