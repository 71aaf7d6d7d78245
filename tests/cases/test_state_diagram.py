from pathlib import Path

from cases.management.commands.case_state_diagram import mermaid

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_state_machine_as_the_model_declares_it() -> None:
    assert mermaid() in README.read_text()


def test_the_diagram_has_every_transition_of_the_design() -> None:
    diagram = mermaid()
    for edge in [
        "registered --> sit_in: accept",
        "registered --> patrol: dispatch",
        "registered --> closed: answer_question",
        "registered --> closed: decline",
        "sit_in --> patrol: switch_mode",
        "patrol --> sit_in: switch_mode",
        "sit_in --> joint_consultation: convene",
        "joint_consultation --> patrol: conclude",
        "patrol --> follow_up: settle",
        "follow_up --> closed: complete_follow_up",
        "follow_up --> sit_in: reopen",
        "joint_consultation --> closed: terminate",
    ]:
        assert edge in diagram
