"""Type stubs of the native module (crates/python/src/lib.rs)."""

from typing import Any, Callable, List, Optional, Tuple

__version__: str

class NativeScenarioError(ValueError): ...
class NativeError(RuntimeError): ...

_Progress = Optional[Callable[[int, int], Any]]

class NativeScenario:
    @staticmethod
    def load(source: str, format: Optional[str] = None, name: Optional[str] = None, is_text: bool = False) -> NativeScenario: ...
    @staticmethod
    def seed() -> NativeScenario: ...
    def json(self) -> str: ...
    def toml(self) -> str: ...
    def warnings(self) -> str: ...
    def with_changes(self, changes: List[str]) -> NativeScenario: ...
    def with_overlay(self, path: str) -> NativeScenario: ...
    def forecast(
        self,
        models: str = "all",
        runs: Optional[int] = None,
        seed: int = 1,
        rounds: Optional[int] = None,
        issues: Optional[List[str]] = None,
        options: List[str] = ...,
        threads: Optional[int] = None,
        progress: _Progress = None,
    ) -> Tuple[NativeForecast, List[str]]: ...
    def simulate(
        self,
        runs: Optional[int] = None,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        escalation_runs: int = 2000,
        progress: _Progress = None,
    ) -> NativeSimulation: ...

    def simulate_partial(
        self,
        start: int,
        end: int,
        runs: Optional[int] = None,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        escalation_runs: int = 2000,
        progress: _Progress = None,
    ) -> str: ...
    def sensitivity(
        self,
        samples: int = 128,
        oat_runs: int = 64,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        progress: _Progress = None,
    ) -> NativeSensitivity: ...
    def sensitivity_partial(
        self,
        start: int,
        end: int,
        samples: int = 128,
        oat_runs: int = 64,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        progress: _Progress = None,
    ) -> str: ...

class NativeSensitivity:
    def json(self) -> str: ...
    def text(self, top: int = 10) -> str: ...
    def report_html(self) -> str: ...

class NativeForecast:
    def json(self) -> str: ...
    def report_html(self) -> str: ...

class NativeSimulation:
    def json(self) -> str: ...
    def text(self) -> str: ...
    def report_html(self) -> str: ...

def merge(parts: List[str]) -> Tuple[NativeSimulation, NativeScenario]: ...
def merge_sensitivity(parts: List[str]) -> Tuple[NativeSensitivity, NativeScenario]: ...
def partial_range(text: str) -> Tuple[str, int, int, int]: ...
def frontier(paths: List[str]) -> str: ...
def negotiate(
    paths: List[str],
    strategies: str,
    protocol: str = "sao",
    mediator: str = "veto",
    steps: int = 1000,
    seed: int = 0,
    time_limit: Optional[float] = None,
    private_deadline: bool = False,
    trace: bool = False,
) -> Tuple[str, Optional[str]]: ...
def events_read(text: str, name: str = "events") -> Tuple[str, str]: ...
def events_review(scenario: NativeScenario, events_jsonl: str, since: Optional[str] = None, until: Optional[str] = None) -> Tuple[str, str, str]: ...
def events_apply(scenario: NativeScenario, events_jsonl: str, accept: List[int], since: Optional[str] = None, until: Optional[str] = None) -> NativeScenario: ...
def backtest(dirs: List[str], runs: int = 1000, seed: int = 1, progress: _Progress = None) -> str: ...
def models() -> List[str]: ...
