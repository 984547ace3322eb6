"""Practice mode on screen: the question of a ``symnn.practice.PracticeSession``, an answer
field and the feedback. The session judges; this panel only shows and forwards the text."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static


class AnswerInput(Input):
    """The answer field; the footer names its enter key ("enter Answer") while it has focus,
    so a learner knows how to submit."""

    BINDINGS = [Binding("enter", "submit", "Answer", key_display="enter")]


class PracticePanel(Vertical):
    """Hidden until ``ask``; posts :class:`PracticePanel.Answered` after each answer."""

    class Answered(Message):
        """An answer was judged (``feedback`` from the session)."""

        def __init__(self, feedback) -> None:
            super().__init__()
            self.feedback = feedback

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = None

    def compose(self) -> ComposeResult:
        yield Static(id="question")
        yield AnswerInput(placeholder="formula or number (empty: show it)",
                          id="answer", compact=True, max_length=300)
        yield Static(id="feedback")

    @property
    def asking(self) -> bool:
        return self.has_class("-asking")

    def ask(self, session, feedback=None) -> None:
        """Show ``session``'s current question (after ``feedback`` on the previous answer)."""
        self.session = session
        question = session.current
        if question is None:
            self.stop()
            return
        text = Text()
        known = session.known(question)
        if known:
            text.append(known + "\n")
        text.append(question.prompt, style="bold yellow")
        self.query_one("#question", Static).update(text)
        self.show_feedback(feedback)
        field = self.query_one("#answer", Input)
        field.value = ""
        self.add_class("-asking")
        self.screen.set_focus(field)

    def show_feedback(self, feedback) -> None:
        """The verdict, hint and answer of the last judged answer (or nothing)."""
        text = Text()
        if feedback is not None:
            style = {"correct": "green", "revealed": "magenta"}.get(feedback.verdict, "red")
            text.append(feedback.message + "\n", style=style)
            if feedback.hint:
                text.append("hint: " + feedback.hint + "\n", style="yellow")
            if feedback.answer:
                text.append("answer: " + feedback.answer + "\n", style="bold")
        if self.session is not None:
            text.append(self.session.score_text(), style="dim")
        self.query_one("#feedback", Static).update(text)

    def stop(self) -> None:
        """Hide the panel (no question pending)."""
        self.remove_class("-asking")

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.session is None or self.session.current is None:
            return
        text = event.value
        feedback = self.session.answer(text) if text.strip() else self.session.reveal()
        self.post_message(self.Answered(feedback))
