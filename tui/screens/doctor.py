"""The stop screen: a red flag was answered yes. Plain words, no way to start a session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from planner.models import ScreeningResult
from planner.safety import RED_FLAGS, advice
from tui.widgets.footer import Footer


class DoctorScreen(Screen):
    """See a doctor (or get help today, for the emergency signs)."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close"),
        Binding("r", "rescreen", "Re-screen"),
    ]

    def __init__(self, result: ScreeningResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        emergency = self.result == "emergency"
        yield Header()
        with VerticalScroll(id="doctor", classes="-emergency" if emergency else ""):
            title = ("GET MEDICAL HELP TODAY" if emergency else
                     "Please see a doctor before you go on")
            yield Static(Content.assemble(("■ " + title, "bold")), id="doctor-title")
            yield Static(Content(advice(self.result)))
            yield Static(Content("Your plan is paused. Nothing is lost: your history is kept. "
                                 "No session can start until a new red-flag screen is all "
                                 "clear (press r once a doctor has seen you)."))
            signs = [f.question for f in RED_FLAGS if f.level == "emergency"]
            yield Static(Content("Signs that need help the same day:\n" +
                                 "\n".join(f"  • {s}" for s in signs)))
            yield Static(Content("rehab gives general self-care guidance, not a diagnosis."),
                         classes="dim")
        yield Footer()

    def action_close(self) -> None:
        self.app.pop_screen()
        self.app.refresh_views()

    def action_rescreen(self) -> None:
        self.app.pop_screen()
        self.app.action_rescreen()
