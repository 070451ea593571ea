"""demarche: model, forecast and simulate multi-party political negotiations.

The engines are Rust (the same code as the ``demarche`` command line and
workbench); this package hands you their results as DataFrames.

    >>> import demarche
    >>> s = demarche.seed()                      # the built-in scenario
    >>> s.forecast().to_pandas()                 # outcome per model and issue
    >>> sim = s.simulate(runs=2000, seed=7)      # mediated vs direct talks
    >>> sim.to_pandas("channels")

Every result has ``to_json()`` (the command line's ``--format json``, byte
for byte, without its final newline), ``to_arrow()``, ``to_polars()`` and
``to_pandas()`` (pyarrow, polars and pandas are optional: install what you
use), ``report(path)`` for the HTML report, and a table in notebooks.
Outputs are model indicators, not predictions of what any government will do.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native

__version__ = _native.__version__

__all__ = [
    "ScenarioError",
    "DemarcheError",
    "Scenario",
    "Forecast",
    "Simulation",
    "Sensitivity",
    "Frontier",
    "Backtest",
    "Events",
    "Review",
    "load",
    "seed",
    "models",
    "frontier",
    "negotiate",
    "Negotiation",
    "backtest",
    "read_events",
    "sweep_grid",
    "run_variant",
    "Partial",
    "merge",
    "sweep_sensitivity",
    "sweep",
]


class ScenarioError(ValueError):
    """A scenario that did not load or check.

    ``diagnostics`` lists every problem found, each a dict with ``severity``,
    ``message`` and, where known, ``file``, ``location`` (line, column),
    ``path`` (e.g. ``stances[3].salience``) and ``hint``.
    """

    def __init__(self, message: str, diagnostics: List[Dict[str, Any]]):
        super().__init__(message)
        self.diagnostics = diagnostics


class DemarcheError(RuntimeError):
    """A run that could not be made (an engine's or a file's error)."""


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls the native module, turning its errors into this package's."""
    try:
        return fn(*args, **kwargs)
    except _native.NativeScenarioError as e:
        message, diagnostics = e.args if len(e.args) == 2 else (str(e), "[]")
        raise ScenarioError(message.strip(), json.loads(diagnostics)) from None
    except _native.NativeError as e:
        raise DemarcheError(str(e)) from None


def _progress(enabled: Union[bool, Callable[[int, int], None], None], label: str):
    """A ``progress(done, total)`` callable and a closer: a tqdm bar when
    ``enabled`` is true and tqdm is installed, the caller's own callable, or
    nothing."""
    if callable(enabled):
        return enabled, lambda: None
    if not enabled:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm  # type: ignore
    except ImportError:
        return None, lambda: None
    bar = tqdm(total=0, desc=label, unit="run")

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar.close


# --- tables ---------------------------------------------------------------

def _arrow(rows: List[Dict[str, Any]]):
    try:
        import pyarrow as pa  # type: ignore
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_arrow needs pyarrow: pip install pyarrow") from e
    return pa.Table.from_pylist(rows)


def _pandas(rows: List[Dict[str, Any]], columns: Sequence[str]):
    try:
        import pandas as pd  # type: ignore
    except ImportError as e:  # pragma: no cover
        raise ImportError("to_pandas needs pandas: pip install pandas") from e
    return pd.DataFrame(rows, columns=list(columns))


def _polars(rows: List[Dict[str, Any]], columns: Sequence[str]):
    try:
        import polars as pl  # type: ignore
    except ImportError as e:  # pragma: no cover
        raise ImportError("to_polars needs polars: pip install polars") from e
    if not rows:
        return pl.DataFrame({c: [] for c in columns})
    return pl.DataFrame(rows, infer_schema_length=None)


def _html_table(rows: List[Dict[str, Any]], columns: Sequence[str], limit: int = 40) -> str:
    from html import escape

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return escape("" if v is None else str(v))

    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows[:limit]
    )
    more = f"<p>… {len(rows) - limit} more rows</p>" if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class _Tables:
    """A result made of named tables (rows of plain values)."""

    #: the table ``to_pandas()`` and friends give when none is named
    default_table = ""
    #: table name -> its columns, in order
    columns: Dict[str, Sequence[str]] = {}

    def _rows(self, table: str) -> List[Dict[str, Any]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def tables(self) -> List[str]:
        """The names of the tables this result holds."""
        return list(self.columns)

    def _table(self, table: Optional[str]) -> str:
        name = table or self.default_table
        if name not in self.columns:
            raise ValueError(f"no table `{name}`; one of {', '.join(self.columns)}")
        return name

    def rows(self, table: Optional[str] = None) -> List[Dict[str, Any]]:
        """A table as a list of dicts."""
        return self._rows(self._table(table))

    def to_arrow(self, table: Optional[str] = None):
        """A table as a pyarrow Table."""
        return _arrow(self.rows(table))

    def to_pandas(self, table: Optional[str] = None):
        """A table as a pandas DataFrame."""
        name = self._table(table)
        return _pandas(self._rows(name), self.columns[name])

    def to_polars(self, table: Optional[str] = None):
        """A table as a polars DataFrame."""
        name = self._table(table)
        return _polars(self._rows(name), self.columns[name])


# --- scenarios ------------------------------------------------------------

def _looks_like_text(source: str) -> bool:
    return "\n" in source or source.lstrip().startswith(("[", "{", "<"))


def load(path_or_text: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> "Scenario":
    """Loads a scenario from a file (TOML, JSON, BDM CSV, KTAB CSV or XML) or
    from the text of one. ``format`` (``toml``, ``json``, ``bdm-csv``,
    ``ktab-csv``, ``ktab-xml``) is guessed when None. A bad file raises
    :class:`ScenarioError` with every problem in ``diagnostics``."""
    if isinstance(path_or_text, os.PathLike) or not _looks_like_text(str(path_or_text)):
        return Scenario(_call(_native.NativeScenario.load, os.fspath(path_or_text), format, None, False))
    return Scenario(_call(_native.NativeScenario.load, str(path_or_text), format, "<text>", True))


def seed() -> "Scenario":
    """The built-in scenario: Iran–US nuclear talks under Omani mediation, as of 2 June 2025."""
    return Scenario(_call(_native.NativeScenario.seed))


def models() -> List[str]:
    """The models ``Scenario.forecast`` knows."""
    return list(_native.models())


class Scenario:
    """A negotiation written down as data: actors, issues, stances, relations.

    ``actors``, ``issues`` and ``stances`` are DataFrames (pandas); ``data``
    is the scenario as a dict in the native JSON layout.
    """

    def __init__(self, native: Any):
        self._native = native
        self._data: Optional[Dict[str, Any]] = None

    @property
    def data(self) -> Dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self._native.json())
        return self._data

    @property
    def title(self) -> str:
        return self.data["meta"].get("title", "")

    @property
    def as_of(self) -> Optional[str]:
        return self.data["meta"].get("as_of")

    @property
    def warnings(self) -> List[Dict[str, Any]]:
        """What the loader warned about (the problems that did not stop it)."""
        return json.loads(self._native.warnings())

    def _frame(self, key: str, columns: Sequence[str]):
        rows = self.data.get(key, [])
        extra = [k for r in rows for k in r if k not in columns]
        cols = list(columns) + sorted(set(extra), key=extra.index)
        return _pandas(rows, cols)

    @property
    def actors(self):
        return self._frame("actors", ["id", "name", "kind", "capability"])

    @property
    def issues(self):
        return self._frame("issues", ["id", "name", "min", "max", "low", "high", "status_quo"])

    @property
    def stances(self):
        return self._frame("stances", ["actor", "issue", "position", "salience", "red_line"])

    def with_changes(self, changes: Union[Mapping[str, Any], Iterable[str]]) -> "Scenario":
        """A what-if: the scenario with edits, e.g.
        ``{"us_admin.enrichment_level.position": 3.67}`` (the command line's
        ``--set path=value``), checked again."""
        if isinstance(changes, Mapping):
            items = [f"{k}={_set_value(v)}" for k, v in changes.items()]
        else:
            items = list(changes)
        return Scenario(_call(self._native.with_changes, items))

    def with_overlay(self, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """A what-if: the scenario with an overlay file applied (``--overlay``)."""
        return Scenario(_call(self._native.with_overlay, os.fspath(path)))

    def to_toml(self) -> str:
        return _call(self._native.toml)

    def to_json(self) -> str:
        return self._native.json()

    def forecast(
        self,
        models: Union[str, Sequence[str]] = "all",
        runs: int = 0,
        seed: int = 1,
        rounds: Optional[int] = None,
        issues: Optional[Sequence[str]] = None,
        options: Optional[Mapping[str, Any]] = None,
        threads: Optional[int] = None,
        progress: Union[bool, Callable[[int, int], None]] = False,
    ) -> "Forecast":
        """Each model's outcome per issue (``demarche forecast``). With
        ``runs`` > 0, also each outcome's band over that many draws of the
        stated uncertainty (seeded by ``seed``). ``options`` are engine
        options, ``{"bdm.q": 0.5}``."""
        spec = models if isinstance(models, str) else ",".join(models)
        opts = [f"{k}={v}" for k, v in (options or {}).items()]
        update, close = _progress(progress, "forecast")
        try:
            native, skipped = _call(
                self._native.forecast,
                spec,
                runs if runs else None,
                seed,
                rounds,
                list(issues) if issues is not None else None,
                opts,
                threads,
                update,
            )
        finally:
            close()
        return Forecast(native, self, skipped)

    def simulate(
        self,
        runs: Optional[int] = None,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        escalation_runs: int = 2000,
        progress: Union[bool, Callable[[int, int], None]] = False,
        run_range: Optional[Tuple[int, int]] = None,
    ) -> Union["Simulation", "Partial"]:
        """Mediated versus direct talks by Monte Carlo over every stated
        uncertainty (``demarche simulate``; defaults from the scenario's
        ``[simulation]``). The answer does not depend on ``threads``; Ctrl-C
        cancels. With ``run_range=(a, b)``, only runs ``a..b`` of the
        ``runs``, as a :class:`Partial` for :func:`merge`."""
        update, close = _progress(progress, "simulate")
        try:
            if run_range is not None:
                start, end = run_range
                text = _call(self._native.simulate_partial, start, end, runs, seed, channel, threads, escalation_runs, update)
                return Partial(text)
            native = _call(self._native.simulate, runs, seed, channel, threads, escalation_runs, update)
        finally:
            close()
        return Simulation(native, self)

    def sensitivity(
        self,
        samples: int = 128,
        oat_runs: int = 64,
        seed: Optional[int] = None,
        channel: Optional[str] = None,
        threads: Optional[int] = None,
        progress: Union[bool, Callable[[int, int], None]] = False,
        sample_range: Optional[Tuple[int, int]] = None,
    ) -> Union["Sensitivity", "Partial"]:
        """Which inputs the simulation's answers rest on (``demarche
        sensitivity``): Sobol indices over ``samples`` base samples (cost
        ``samples × (inputs + 2)`` runs) and one-at-a-time swings. With
        ``sample_range=(a, b)``, only rows ``a..b`` of the design (rows
        ``0..samples`` are the Sobol samples, then the ``oat_runs``
        one-at-a-time runs), as a :class:`Partial` for :func:`merge`."""
        update, close = _progress(progress, "sensitivity")
        try:
            if sample_range is not None:
                start, end = sample_range
                text = _call(
                    self._native.sensitivity_partial, start, end, samples, oat_runs, seed, channel, threads, update
                )
                return Partial(text)
            native = _call(self._native.sensitivity, samples, oat_runs, seed, channel, threads, update)
        finally:
            close()
        return Sensitivity(native, self)

    def review_events(
        self, events: "Events", since: Optional[str] = None, until: Optional[str] = None
    ) -> "Review":
        """Events read against this scenario: weekly timelines per dyad and
        suggested updates, each with its reason and events (``demarche events
        suggest``). Nothing changes until you apply them."""
        suggestions, overlay, drawn = _call(_native.events_review, self._native, events.jsonl, since, until)
        return Review(json.loads(suggestions), overlay, json.loads(drawn), self, events.jsonl, since, until)

    def report(self, path: Union[str, "os.PathLike[str]"], models: Union[str, Sequence[str]] = "all") -> Path:
        """Writes the HTML report of a forecast of this scenario."""
        return self.forecast(models).report(path)

    def __reduce__(self):
        # Pickled as its JSON (Dask, multiprocessing): loading it again checks it as a file would.
        return (load, (self.to_json(), "json"))

    def _repr_html_(self) -> str:
        from html import escape

        d = self.data
        return (
            f"<p><strong>{escape(self.title)}</strong> — as of {escape(str(self.as_of))}: "
            f"{len(d.get('actors', []))} actors, {len(d.get('issues', []))} issues, "
            f"{len(d.get('stances', []))} stances</p>"
        )

    def __repr__(self) -> str:
        d = self.data
        return f"<Scenario {self.title!r}: {len(d.get('actors', []))} actors, {len(d.get('issues', []))} issues>"


def _set_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def _write(path: Union[str, "os.PathLike[str]"], html: str) -> Path:
    p = Path(path)
    p.write_text(html, encoding="utf-8")
    return p


# --- results --------------------------------------------------------------

class _NativeResult(_Tables):
    """A result held by the native module: its JSON on demand, parsed once."""

    def __init__(self, native: Any, scenario: "Scenario"):
        self._native = native
        self.scenario = scenario
        self._json: Optional[str] = None
        self._data: Optional[Dict[str, Any]] = None

    def to_json(self) -> str:
        """The command line's ``--format json``, byte for byte (without the final newline)."""
        if self._json is None:
            self._json = _call(self._native.json)
        return self._json

    @property
    def data(self) -> Dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.to_json())
        return self._data

    def report(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the HTML report (the same as ``demarche report`` of such a run)."""
        return _write(path, self._native.report_html())


class Forecast(_NativeResult):
    """Every model's forecast: ``outcomes`` (one row per model and issue),
    ``trajectories`` (positions per round), with draws ``bands``, and from the
    exchange model ``exchanges`` (every executed exchange, in order) and
    ``near_ties`` (the choices its result rests on)."""

    default_table = "outcomes"
    columns = {
        "outcomes": ["engine", "issue", "outcome", "converged", "rounds"],
        "trajectories": ["engine", "issue", "round", "actor", "position"],
        "bands": ["engine", "issue", "stated", "mean", "median", "p10", "p90", "runs"],
        "exchanges": ["round", "seq", "actor", "supplies", "from", "to", "partner", "partner_supplies",
                      "partner_from", "partner_to", "gain"],
        "near_ties": ["round", "pick", "chosen", "rival", "relative_gap"],
    }

    def __init__(self, native: Any, scenario: Scenario, skipped: List[str]):
        super().__init__(native, scenario)
        #: models left out (with ``models="all"``), and why
        self.warnings = list(skipped)

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        if table == "bands":
            for b in (self.data.get("uncertainty") or {}).get("bands", []):
                sm = b.get("summary") or {}
                out.append({
                    "engine": b.get("engine"),
                    "issue": b.get("issue"),
                    "stated": b.get("stated"),
                    "mean": sm.get("mean"),
                    "median": sm.get("median"),
                    "p10": sm.get("p10"),
                    "p90": sm.get("p90"),
                    "runs": b.get("runs"),
                })
            return out
        if table in ("exchanges", "near_ties"):
            for f in self.data["forecasts"]:
                ex = f.get("exchanges") or {}
                actors = [a["id"] for a in f["actors"]]
                if table == "near_ties":
                    out.extend({k: t.get(k) for k in self.columns["near_ties"]} for t in ex.get("near_ties", []))
                    continue
                for e in ex.get("executed", []):
                    a, b = e["sides"]
                    out.append({
                        "round": e["round"], "seq": e["seq"],
                        "actor": actors[a["actor"]], "supplies": a["supplies"], "from": a["from"], "to": a["to"],
                        "partner": actors[b["actor"]], "partner_supplies": b["supplies"],
                        "partner_from": b["from"], "partner_to": b["to"], "gain": e["gain"],
                    })
            return out
        for f in self.data["forecasts"]:
            actors = [a["id"] for a in f["actors"]]
            for iss in f["issues"]:
                if table == "outcomes":
                    stats = iss.get("stats") or {}
                    out.append({
                        "engine": f["engine"],
                        "issue": iss["issue"],
                        "outcome": iss["outcome"],
                        "converged": iss.get("converged", stats.get("converged")),
                        "rounds": len(iss.get("trajectory", [])),
                    })
                else:
                    who = iss.get("participants", [])
                    for r, row in enumerate(iss.get("trajectory", [])):
                        for k, pos in enumerate(row):
                            if k < len(who) and who[k] < len(actors):
                                out.append({
                                    "engine": f["engine"],
                                    "issue": iss["issue"],
                                    "round": r,
                                    "actor": actors[who[k]],
                                    "position": pos,
                                })
        return out

    def _repr_html_(self) -> str:
        return _html_table(self.rows("outcomes"), ["engine", "issue", "outcome", "converged"])

    def __repr__(self) -> str:
        return f"<Forecast of {self.scenario.title!r}: {len(self.data['forecasts'])} models>"


class Simulation(_NativeResult):
    """The channel simulation: ``channels`` (one row per channel: chance of a
    deal at the table and ratified, of force, no zone of agreement),
    ``terms`` (each agenda issue's deal terms per channel) and ``dyads``
    (the confrontation indicator)."""

    default_table = "channels"
    columns = {
        "channels": ["channel", "agreement", "ratified", "force", "force_only", "no_zone", "broke_down"],
        "terms": ["channel", "issue", "mean", "p10", "median", "p90"],
        "dyads": ["a", "b", "score", "disagreement", "red_line", "hostility", "expected_utility", "aligned", "main_issue"],
    }

    def text(self) -> str:
        """The answer in words and tables, as ``demarche simulate`` prints it."""
        return self._native.text()

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        d = self.data
        if table == "channels":
            return [{k: c.get(k) for k in self.columns["channels"]} for c in d["channels"]]
        if table == "terms":
            out = []
            for c in d["channels"]:
                for t in c.get("terms", []):
                    sm = t.get("summary") or {}
                    out.append({"channel": c["channel"], "issue": t.get("issue"), **{k: sm.get(k) for k in ("mean", "p10", "median", "p90")}})
            return out
        return [{k: r.get(k) for k in self.columns["dyads"]} for r in d.get("confrontation", [])]

    def _repr_html_(self) -> str:
        return _html_table(self.rows("channels"), self.columns["channels"])

    def __repr__(self) -> str:
        d = self.data
        return f"<Simulation of {self.scenario.title!r}: {d['runs']} runs, seed {d['seed']}>"


class Sensitivity(_NativeResult):
    """A sensitivity analysis: ``ranked`` (per output, each input's Sobol
    first-order and total index and its one-at-a-time swing)."""

    default_table = "ranked"
    columns = {"ranked": ["output", "input", "first_order", "total", "low", "high", "baseline"]}

    def text(self, top: int = 10) -> str:
        """The analysis as ``demarche sensitivity`` prints it."""
        return self._native.text(top)

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        return [
            {"output": o["output"], "baseline": o.get("baseline"), **{k: r.get(k) for k in ("input", "first_order", "total", "low", "high")}}
            for o in self.data.get("ranked", [])
            for r in o.get("rows", [])
        ]

    def _repr_html_(self) -> str:
        return _html_table(self.rows(), self.columns["ranked"])


class _JsonResult(_Tables):
    def __init__(self, text: str):
        self._json = text
        self.data = json.loads(text)

    def to_json(self) -> str:
        """The command line's ``--format json``, byte for byte (without the final newline)."""
        return self._json

    def _repr_html_(self) -> str:
        name = self.default_table
        return _html_table(self.rows(name), self.columns[name])


class Frontier(_JsonResult):
    """A negotiation domain's bargaining frontier (``demarche frontier``):
    ``points`` (each Pareto-optimal outcome with every party's utility) and
    ``solutions`` (Nash, Kalai–Smorodinsky, egalitarian, maximum welfare)."""

    default_table = "points"
    SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "max_welfare")

    @property
    def columns(self) -> Dict[str, Sequence[str]]:  # type: ignore[override]
        parties = list(self.data.get("parties", []))
        return {"points": ["outcome", *parties, "multiplicity"], "solutions": ["solution", "outcome", *parties]}

    def _point(self, p: Dict[str, Any]) -> Dict[str, Any]:
        outcome = "; ".join(f"{k}: {v}" for k, v in (p.get("outcome") or {}).items())
        return {"outcome": outcome, **dict(zip(self.data.get("parties", []), p.get("utility", [])))}

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        if table == "points":
            return [{**self._point(p), "multiplicity": p.get("multiplicity")} for p in self.data.get("frontier", [])]
        return [{"solution": k, **self._point(self.data[k])} for k in self.SOLUTIONS if self.data.get(k)]


def frontier(paths: Sequence[Union[str, "os.PathLike[str]"]], strict: bool = False) -> Frontier:
    """The bargaining frontier of a negotiation domain and its profiles
    (Genius XML, GeniusWeb JSON or an ANL-2023 folder): the domain first.
    Genius files load as Genius reads them; each departure from the format
    (weights off 1, an issue rated 0 everywhere, …) is a ``UserWarning`` saying
    what was done, and ``strict=True`` refuses them instead."""
    text, notes = _call(_native.frontier, [os.fspath(p) for p in paths], strict)
    for note in notes:
        warnings.warn(note, UserWarning, 2)
    return Frontier(text)


class Negotiation(_JsonResult):
    """One negotiation (``demarche negotiate``): ``parties`` (profile,
    strategy, reservation, utility, discounted) and ``agreement`` (each
    issue's agreed value, empty without a deal); ``trace`` the replayable
    JSON trace when asked for."""

    default_table = "parties"
    columns = {
        "parties": ["profile", "strategy", "reservation", "utility", "discounted"],
        "agreement": ["issue", "value"],
    }

    def __init__(self, text: str, trace: Optional[str], native: Any = None):
        super().__init__(text)
        self.trace = json.loads(trace) if trace else None
        self._native = native

    def report(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the HTML report: the parties and strategies, how it ended,
        the agreed terms in the domain's words, each party's utility of the
        offers over time and the offers beside the frontier."""
        if self._native is None:
            raise ValueError("this negotiation was built from its JSON alone; run demarche.negotiate for a report")
        return _write(path, self._native.report_html())

    @property
    def agreed(self) -> bool:
        return self.data["result"].get("agreement") is not None

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        r = self.data["result"]
        if table == "parties":
            return [
                {**p, "utility": u, "discounted": d}
                for p, u, d in zip(self.data["parties"], r.get("utilities", []), r.get("discounted", []))
            ]
        return [{"issue": i, "value": v} for i, v in (self.data.get("agreement_labels") or [])]


def negotiate(
    paths: Sequence[Union[str, "os.PathLike[str]"]],
    strategies: Union[str, Sequence[str]],
    protocol: str = "sao",
    mediator: str = "veto",
    rounds: int = 1000,
    seed: int = 0,
    time_limit: Optional[float] = None,
    private_deadline: bool = False,
    trace: bool = False,
    steps: Optional[int] = None,
) -> Negotiation:
    """One negotiation between strategies (one per party in profile order, or
    one for all) on a domain and its profiles: stacked alternating offers
    (``sao``) or mediated single text (``mediated``, with ``mediator``). The
    deadline is ``rounds`` (under SAO every party acts once per round, as
    NegMAS's ``n_steps``; mediated, one proposal per round); ``steps`` is its
    deprecated old name. The same seed gives the same result."""
    if steps is not None:
        warnings.warn("negotiate(steps=) is deprecated; use rounds= (the same number)", DeprecationWarning, 2)
        rounds = steps
    spec = strategies if isinstance(strategies, str) else ",".join(strategies)
    native = _call(
        _native.negotiate, [os.fspath(p) for p in paths], spec, protocol, mediator, rounds, seed, time_limit,
        private_deadline, trace,
    )
    return Negotiation(native.json(), native.trace(), native)


class Backtest(_JsonResult):
    """Models and the simulation scored against recorded outcomes
    (``demarche backtest``): ``models`` (error per case and model) and
    ``rankings`` (the AUC of each confrontation ranking per case)."""

    default_table = "models"
    columns = {
        "models": ["case", "model", "mae", "within_10"],
        "rankings": ["case", "ranking", "auc", "top10_hits"],
    }

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        out = []
        for c in self.data.get("cases", []):
            if table == "models":
                for m, s in (c.get("models") or {}).items():
                    out.append({"case": c["id"], "model": m, "mae": s.get("mae"), "within_10": s.get("within_10")})
            else:
                for r, s in (c.get("confrontation") or {}).items():
                    out.append({"case": c["id"], "ranking": r, "auc": s.get("auc"), "top10_hits": s.get("top10_hits")})
        return out


def backtest(
    dirs: Sequence[Union[str, "os.PathLike[str]"]],
    runs: int = 1000,
    seed: int = 1,
    progress: Union[bool, Callable[[int, int], None]] = False,
) -> Backtest:
    """Every model and the simulation on every case folder, scored against
    what then happened (``demarche backtest``; docs/validity.md)."""
    update, close = _progress(progress, "backtest")
    try:
        return Backtest(_call(_native.backtest, [os.fspath(d) for d in dirs], runs, seed, update))
    finally:
        close()


class Events(_Tables):
    """Events in the PLOVER shape, one row each (``demarche events import``)."""

    default_table = "events"
    columns = {"events": ["id", "date", "event", "mode", "source_actor", "target_actor", "intensity", "quad", "text"]}

    def __init__(self, jsonl: str, how: str):
        self.jsonl = jsonl
        #: how they were read (imported from a data set, or coded from text)
        self.how = how
        self.records = [json.loads(line) for line in jsonl.splitlines() if line.strip()]

    def __len__(self) -> int:
        return len(self.records)

    def to_json(self) -> str:
        """The events as JSONL, as ``demarche events import`` writes them."""
        return self.jsonl

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        def who(side: List[Dict[str, Any]]) -> str:
            return "; ".join(a.get("country") or a.get("name", "") for a in side)

        return [
            {
                "id": e["id"],
                "date": e.get("date"),
                "event": e.get("event"),
                "mode": e.get("mode", ""),
                "source_actor": who(e.get("actors", [])),
                "target_actor": who(e.get("recipients", [])),
                "intensity": e.get("intensity"),
                "quad": e.get("quad"),
                "text": e.get("text", ""),
            }
            for e in self.records
        ]

    def _repr_html_(self) -> str:
        return f"<p>{len(self)} events — {self.how}</p>" + _html_table(self.rows(), ["id", "date", "event", "source_actor", "target_actor"])


def read_events(path_or_text: Union[str, "os.PathLike[str]"]) -> Events:
    """Events from a GDELT 2.0, ICEWS, POLECAT, PLOVER or demarche JSONL file
    (its kind guessed), or headlines to code with the built-in dictionaries
    (JSONL ``{"id", "text", "date"}``, or one per line) — a path or the text."""
    if isinstance(path_or_text, os.PathLike) or not _looks_like_text(str(path_or_text)):
        p = Path(path_or_text)
        text, name = p.read_text(encoding="utf-8"), p.name
    else:
        text, name = str(path_or_text), "events"
    jsonl, how = _call(_native.events_read, text, name)
    return Events(jsonl, how)


class Review(_Tables):
    """Events against a scenario: ``suggestions`` (each with its reason and
    events) and ``timelines`` (events per dyad and week). ``overlay`` is the
    overlay file of all suggestions; ``apply(numbers)`` the scenario with
    those applied."""

    default_table = "suggestions"
    columns = {
        "suggestions": ["number", "kind", "target", "current", "suggested", "applicable", "reason", "events"],
        "timelines": ["a", "b", "week", "cooperation", "verbal_conflict", "material_conflict", "index"],
    }

    def __init__(
        self,
        suggestions: List[Dict[str, Any]],
        overlay: str,
        drawn: Dict[str, Any],
        scenario: Scenario,
        events: str,
        since: Optional[str],
        until: Optional[str],
    ):
        self._events, self._since, self._until = events, since, until
        self.suggestions = suggestions
        self.overlay = overlay
        self.summary = drawn.get("summary", "")
        self._drawn = drawn
        self.scenario = scenario

    def _rows(self, table: str) -> List[Dict[str, Any]]:
        if table == "suggestions":
            return [
                {"number": i + 1, **{k: s.get(k) for k in self.columns["suggestions"][1:-1]}, "events": ", ".join(s.get("events", []))}
                for i, s in enumerate(self.suggestions)
            ]
        return [
            {"a": t["a"], "b": t["b"], **w} for t in self._drawn.get("timelines", []) for w in t.get("weeks", [])
        ]

    def apply(self, numbers: Sequence[int]) -> Scenario:
        """The scenario with the suggestions numbered ``numbers`` (from 1)
        applied through their overlay entries, as ``--overlay`` with those
        entries (and the workbench's "Apply accepted") would."""
        native = _call(_native.events_apply, self.scenario._native, self._events, list(numbers), self._since, self._until)
        return Scenario(native)

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(self.summary)}</p>" + _html_table(self.rows(), ["number", "target", "current", "suggested", "reason"])


# --- sweeps ---------------------------------------------------------------

_SWEEPS = {"forecast": "outcomes", "simulate": "channels", "sensitivity": "ranked"}


def run_variant(scenario: "Scenario", change: Mapping[str, Any], what: str, table: str, options: Mapping[str, Any]):
    """One variant of a sweep: the rows of `table` of `what` run on `scenario`
    with `change` (a module-level function, so Dask, Ray or multiprocessing can
    ship it)."""
    variant = scenario.with_changes(change) if change else scenario
    result = getattr(variant, what)(**options)
    return result.rows(table)


def sweep_grid(
    scenario: "Scenario",
    changes: Sequence[Mapping[str, Any]],
    what: str = "forecast",
    table: Optional[str] = None,
    client: Any = None,
    **options: Any,
):
    """Runs ``what`` (``forecast``, ``simulate`` or ``sensitivity``, with
    ``options``) on every what-if variant in ``changes`` (each a dict of
    ``--set`` edits, e.g. ``{"us_admin.enrichment_level.position": 3.67}``;
    ``{}`` is the scenario as stated) and returns one pandas DataFrame: the
    result's ``table`` (by default the outcomes, the channels or the ranked
    inputs) for every variant, with a ``variant`` column (its index in
    ``changes``) and a column per changed input.

    With ``client`` (a ``dask.distributed.Client``) the variants run on its
    workers; without, one after the other here. Each variant's answer is the
    one a lone call gives (seeded runs do not depend on where they run).
    """
    if what not in _SWEEPS:
        raise ValueError(f"what={what!r}: one of {', '.join(_SWEEPS)}")
    table = table or _SWEEPS[what]
    changes = [dict(c) for c in changes]
    # Check every variant here first, so a bad edit fails before any work is sent.
    for k, c in enumerate(changes):
        if c:
            try:
                scenario.with_changes(c)
            except ScenarioError as e:
                raise ScenarioError(f"variant {k}: {e}", e.diagnostics) from None
    args = [(scenario, c, what, table, options) for c in changes]
    if client is None:
        results = [run_variant(*a) for a in args]
    else:
        futures = client.map(run_variant, *zip(*args), pure=False)
        results = client.gather(futures)
    keys: List[str] = []
    for c in changes:
        keys.extend(k for k in c if k not in keys)
    rows = []
    for k, (c, result) in enumerate(zip(changes, results)):
        for r in result:
            rows.append({"variant": k, **{key: c.get(key) for key in keys}, **r})
    columns = ["variant", *keys]
    if results and results[0]:
        columns += [c for c in results[0][0] if c not in columns]
    return _pandas(rows, columns)


class Partial:
    """One part of a split job: runs ``start..end`` of a simulation
    (``Scenario.simulate(run_range=…)``) or rows ``start..end`` of a
    sensitivity design (``Scenario.sensitivity(sample_range=…)``); ``kind``
    says which. :func:`merge` folds the parts, exactly, into the result of the
    whole job. It pickles as its JSON (``--partial-out`` writes the same)."""

    def __init__(self, text: str):
        self.text = text
        self.kind, self.start, self.end, self.total = _call(_native.partial_range, text)

    def __reduce__(self):
        return (Partial, (self.text,))

    def save(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the part as ``demarche merge`` reads it."""
        p = Path(path)
        p.write_text(self.text, encoding="utf-8")
        return p

    @staticmethod
    def load(path: Union[str, "os.PathLike[str]"]) -> "Partial":
        return Partial(Path(path).read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        what = "runs" if self.kind == "simulate" else "sensitivity rows"
        return f"<Partial {what} {self.start}..{self.end} of {self.total}>"


def merge(parts: Sequence[Union["Partial", str, "os.PathLike[str]"]]) -> Union["Simulation", "Sensitivity"]:
    """Folds the parts of one simulation or one sensitivity analysis (in any
    order; :class:`Partial` objects or files ``--partial-out`` wrote) into
    exactly the result one call gives, byte for byte."""
    loaded = [p if isinstance(p, Partial) else Partial.load(p) for p in parts]
    kinds = {p.kind for p in loaded}
    if len(kinds) > 1:
        raise ValueError("parts of a simulation and of a sensitivity analysis: merge the parts of one job at a time")
    texts = [p.text for p in loaded]
    if kinds == {"sensitivity"}:
        native, scenario = _call(_native.merge_sensitivity, texts)
        return Sensitivity(native, Scenario(scenario))
    native, scenario = _call(_native.merge, texts)
    return Simulation(native, Scenario(scenario))


def _partial(scenario: "Scenario", start: int, end: int, options: Mapping[str, Any]) -> "Partial":
    return scenario.simulate(run_range=(start, end), **options)


def _sensitivity_partial(scenario: "Scenario", start: int, end: int, options: Mapping[str, Any]) -> "Partial":
    return scenario.sensitivity(sample_range=(start, end), **options)


def _run_split(task: Callable[..., "Partial"], scenario: "Scenario", total: int, chunks: int, client: Any, options):
    """``total`` units cut into ``chunks`` ranges, each run by ``task`` where
    ``client`` puts it (here, in order, without one), then merged."""
    if total < 1 or chunks < 1:
        raise ValueError("the job and `chunks` must hold at least 1")
    chunks = min(chunks, total)
    cuts = [total * k // chunks for k in range(chunks + 1)]
    args = [(scenario, a, b, options) for a, b in zip(cuts, cuts[1:])]
    if client is None:
        parts = [task(*a) for a in args]
    else:
        parts = client.gather(client.map(task, *zip(*args), pure=False))
    return merge(parts)


def sweep_sensitivity(
    scenario: "Scenario",
    samples: int = 128,
    oat_runs: int = 64,
    seed: Optional[int] = None,
    chunks: int = 8,
    client: Any = None,
    channel: Optional[str] = None,
    threads: Optional[int] = None,
) -> "Sensitivity":
    """One sensitivity analysis split into ``chunks`` ranges of its design's
    ``samples + oat_runs`` rows, each run where ``client`` (a
    ``dask.distributed.Client``) puts it, or here without one, and merged: the
    answer equals ``scenario.sensitivity(samples, oat_runs, seed)`` exactly."""
    if samples < 2 or oat_runs < 1:
        raise ValueError("`samples` must be at least 2 and `oat_runs` at least 1")
    options = {"samples": samples, "oat_runs": oat_runs, "seed": seed, "channel": channel, "threads": threads}
    return _run_split(_sensitivity_partial, scenario, samples + oat_runs, chunks, client, options)


def sweep(
    scenario: "Scenario",
    runs: int,
    seed: Optional[int] = None,
    chunks: int = 8,
    client: Any = None,
    channel: Optional[str] = None,
    escalation_runs: int = 2000,
    threads: Optional[int] = None,
) -> "Simulation":
    """One simulation of ``runs`` runs split into ``chunks`` run ranges, each
    run where ``client`` (a ``dask.distributed.Client``) puts it — or here,
    one after the other, without one — and merged: the answer equals
    ``scenario.simulate(runs=runs, seed=seed)`` exactly, whatever the split."""
    if runs < 1 or chunks < 1:
        raise ValueError("`runs` and `chunks` must be at least 1")
    options = {"runs": runs, "seed": seed, "channel": channel, "escalation_runs": escalation_runs, "threads": threads}
    return _run_split(_partial, scenario, runs, chunks, client, options)
