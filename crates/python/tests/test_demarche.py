"""The Python package on the built wheel: every function, its errors, and
its JSON against the command line's, byte for byte.

Needs the wheel installed and, for the comparisons, DEMARCHE_BIN (the
`demarche` binary of the same commit); scripts/test-python.sh sets both.
"""

import _thread
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

import demarche

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "scenarios" / "iran-us-nuclear.toml"
HEADLINES = ROOT / "docs" / "events" / "june-2025-headlines.jsonl"
SHARED = ROOT.parent / "shared"
BIN = os.environ.get("DEMARCHE_BIN")


def cli(*args: str) -> str:
    """The command line's standard output (runs not recorded)."""
    if not BIN:
        pytest.skip("DEMARCHE_BIN is not set (scripts/test-python.sh sets it)")
    env = dict(os.environ, DEMARCHE_STORE="off", NO_COLOR="1")
    out = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, check=True)
    return out.stdout


# --- scenarios ----------------------------------------------------------------

def test_seed_and_load_from_a_path_or_text_give_the_same_scenario():
    s = demarche.seed()
    assert s.title.startswith("Iran–US nuclear talks")
    assert s.as_of == "2025-06-02"
    from_path = demarche.load(SEED)
    from_str_path = demarche.load(str(SEED))
    from_text = demarche.load(SEED.read_text(encoding="utf-8"))
    assert s.to_json() == from_path.to_json() == from_str_path.to_json() == from_text.to_json()
    assert "[[actors]]" in s.to_toml()


def test_tables_of_a_scenario():
    s = demarche.seed()
    actors, issues, stances = s.actors, s.issues, s.stances
    assert list(actors.columns[:4]) == ["id", "name", "kind", "capability"]
    assert "iran_gov" in set(actors["id"])
    assert len(issues) == 8 and {"min", "max", "status_quo"} <= set(issues.columns)
    assert len(stances) == len(s.data["stances"])


def test_a_bad_scenario_raises_with_every_diagnostic():
    bad = SEED.read_text(encoding="utf-8").replace("salience = 0.9", "salience = 7", 2)
    with pytest.raises(demarche.ScenarioError) as e:
        demarche.load(bad)
    d = e.value.diagnostics
    assert len(d) >= 2, d
    assert all(x["severity"] == "error" for x in d)
    assert all("salience" in x["message"] or "salience" in (x.get("path") or "") for x in d)
    assert all(x.get("location", {}).get("line") for x in d), d
    assert "salience" in str(e.value)
    assert isinstance(e.value, ValueError)
    with pytest.raises(demarche.ScenarioError):
        demarche.load("/no/such/scenario.toml")
    with pytest.raises(ValueError, match="unknown format"):
        demarche.load(SEED, format="yaml")


def test_what_ifs_by_changes_and_by_overlay(tmp_path):
    s = demarche.seed()
    w = s.with_changes({"us_admin.enrichment_level.position": 3.67})
    before = s.forecast("compromise").to_pandas().set_index("issue").outcome["enrichment_level"]
    after = w.forecast("compromise").to_pandas().set_index("issue").outcome["enrichment_level"]
    assert after > before
    with pytest.raises(demarche.ScenarioError) as e:
        s.with_changes({"us_admin.enrichment_level.salience": 7})
    assert "salience" in str(e.value)
    with pytest.raises(demarche.ScenarioError):
        s.with_changes({"nobody.enrichment_level.position": 1})
    overlay = tmp_path / "o.toml"
    overlay.write_text('[[relations]]\nkind = "hostile"\nfrom = "us_admin"\nto = "iran_gov"\nweight = 0.5\n')
    o = s.with_overlay(overlay)
    rel = [r for r in o.data["relations"] if r["kind"] == "hostile" and r["from"] == "us_admin" and r["to"] == "iran_gov"]
    assert rel and rel[0]["weight"] == 0.5


# --- results equal the command line's ------------------------------------------

def test_a_forecast_equals_the_cli_json_byte_for_byte():
    f = demarche.seed().forecast()
    assert f.to_json() + "\n" == cli("forecast", str(SEED), "--format", "json")
    g = demarche.seed().forecast("compromise,bdm", runs=20, seed=3)
    assert g.to_json() + "\n" == cli("forecast", str(SEED), "--model", "compromise,bdm", "--runs", "20", "--seed", "3", "--format", "json")


def test_a_simulation_equals_the_cli_json_and_does_not_depend_on_threads():
    one = demarche.seed().simulate(runs=300, seed=7, threads=1)
    two = demarche.seed().simulate(runs=300, seed=7, threads=2)
    assert one.to_json() == two.to_json()
    assert one.to_json() + "\n" == cli("simulate", str(SEED), "--runs", "300", "--seed", "7", "--format", "json")
    assert "zone of agreement" in one.text()


def test_a_frontier_equals_the_cli_json():
    laptop = SHARED / "reference" / "negotiation" / "genius" / "Laptop"
    if not laptop.is_dir():
        pytest.skip("../shared is absent: the Genius Laptop domain is not here")
    paths = [laptop / "Laptop-A-domain.xml", laptop / "Laptop-A-prof1.xml", laptop / "Laptop-A-prof2.xml"]
    fr = demarche.frontier(paths)
    assert fr.to_json() + "\n" == cli("frontier", *map(str, paths), "--format", "json")
    points = fr.to_pandas()
    assert list(points.columns) == ["outcome", "Laptop-A-prof1", "Laptop-A-prof2", "multiplicity"]
    assert "nash" in set(fr.to_pandas("solutions")["solution"])
    with pytest.raises(demarche.DemarcheError):
        demarche.frontier(["/no/such/domain.xml"])


def test_a_genius_quirk_is_a_warning_and_strict_refuses_it(tmp_path):
    (tmp_path / "trip-domain.xml").write_text(
        '<negotiation_template><utility_space><objective index="0" name="trip">'
        '<issue index="1" name="City" etype="discrete"><item index="1" value="Tokyo"/><item index="2" value="Kyoto"/></issue>'
        '<issue index="2" name="Days" etype="discrete"><item index="1" value="3"/><item index="2" value="7"/></issue>'
        '</objective></utility_space></negotiation_template>')
    for name, w in (("trip-util1.xml", "0.6"), ("trip-util2.xml", "0.5")):
        (tmp_path / name).write_text(
            '<utility_space><objective index="0" name="trip">'
            '<issue index="1" name="City"><item value="Tokyo" evaluation="1"/><item value="Kyoto" evaluation="2"/></issue>'
            '<issue index="2" name="Days"><item value="3" evaluation="2"/><item value="7" evaluation="1"/></issue>'
            f'<weight index="1" value="{w}"/><weight index="2" value="0.5"/></objective></utility_space>')
    with pytest.warns(UserWarning, match="divided by their sum"):
        fr = demarche.frontier([tmp_path / "trip-domain.xml"])
    assert len(fr.to_pandas()) >= 1
    with pytest.raises(demarche.DemarcheError, match="--strict"):
        demarche.frontier([tmp_path / "trip-domain.xml"], strict=True)


def test_a_backtest_equals_the_cli_json():
    case = ROOT / "backtests" / "jcpoa-2015"
    b = demarche.backtest([case], runs=50, seed=1)
    assert b.to_json() + "\n" == cli("backtest", str(case), "--runs", "50", "--seed", "1", "--format", "json")
    models = b.to_pandas()
    assert {"compromise", "status_quo"} <= set(models["model"])
    assert "indicator" in set(b.to_pandas("rankings")["ranking"])
    with pytest.raises(ValueError):
        demarche.backtest(["/no/such/case"])


# --- tables, reports, notebooks --------------------------------------------

def test_every_result_gives_arrow_polars_and_pandas_tables():
    import polars as pl
    import pyarrow as pa

    f = demarche.seed().forecast(runs=10)
    sim = demarche.seed().simulate(runs=200, seed=1)
    for result in (f, sim):
        for table in result.tables():
            a, p, d = result.to_arrow(table), result.to_polars(table), result.to_pandas(table)
            assert isinstance(a, pa.Table) and isinstance(p, pl.DataFrame)
            assert a.num_rows == p.height == len(d), table
    out = f.to_pandas()
    assert set(out["engine"]) == set(demarche.models())
    assert len(out) == len(demarche.models()) * 8
    traj = f.to_pandas("trajectories")
    assert {"round", "actor", "position"} <= set(traj.columns) and traj["round"].max() >= 1
    assert len(f.to_pandas("bands")) == len(demarche.models()) * 8
    ex = f.to_pandas("exchanges")
    assert len(ex) > 0 and set(ex["supplies"]) <= {i["id"] for i in demarche.seed().data["issues"]}
    assert (ex["gain"] > 0).all()
    ch = sim.to_pandas("channels")
    assert list(ch["channel"]) == ["direct", "mediated"]
    dyads = sim.to_pandas("dyads")
    assert dyads["score"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="no table"):
        f.to_pandas("nope")


def test_reports_and_notebook_views(tmp_path):
    s = demarche.seed()
    f = s.forecast("compromise,nash")
    path = f.report(tmp_path / "f.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Bottom line" in html
    sim = s.simulate(runs=200, seed=1)
    html = sim.report(tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Can the talks succeed?" in html
    for obj in (s, f, sim):
        assert "<" in obj._repr_html_()
    assert "compromise" in f._repr_html_()


def test_progress_is_reported_with_its_total():
    seen = []
    demarche.seed().simulate(runs=5000, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen, "no progress reported"
    assert all(t == 5000 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_ctrl_c_cancels_a_running_simulation():
    # A simulation far longer than the interrupt's delay; Ctrl-C arrives as KeyboardInterrupt.
    threading.Timer(0.3, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt):
        demarche.seed().simulate(runs=1_000_000, seed=1, escalation_runs=1_000_000)


# --- events ----------------------------------------------------------------

def test_events_are_read_reviewed_and_an_accepted_suggestion_applies():
    ev = demarche.read_events(HEADLINES)
    assert ev.how.startswith("coded 16 records") and len(ev) == 18
    assert ev.to_json() == cli("events", "code", str(HEADLINES))
    table = ev.to_pandas()
    assert {"id", "date", "event"} <= set(table.columns)
    review = demarche.seed().review_events(ev)
    sugg = review.to_pandas()
    assert list(sugg["target"]) == ["us_admin->iran_gov hostile"]
    assert "[[relations]]" in review.overlay
    assert len(review.to_pandas("timelines")) == 11
    s = review.apply([1])
    rel = [r for r in s.data["relations"] if r["kind"] == "hostile" and r["from"] == "us_admin" and r["to"] == "iran_gov"]
    assert rel[0]["weight"] == 0.66
    with pytest.raises(ValueError, match="no suggestion 2"):
        review.apply([2])
    with pytest.raises(ValueError, match="events"):
        demarche.read_events('{"id": "1", "date": "2025-06-01", "event": "BOGUS", "actors": []}\n')


def test_the_notebook_example_runs(tmp_path):
    script = ROOT / "examples" / "python" / "seed.py"
    out = subprocess.run([os.sys.executable, str(script), str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "compromise on enrichment" in out.stdout
    assert (tmp_path / "seed-simulation.html").exists()


def test_progress_true_draws_a_tqdm_bar(capsys):
    pytest.importorskip("tqdm")
    demarche.seed().simulate(runs=3000, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "simulate" in err and "3000" in err, err


def test_a_sensitivity_analysis_equals_the_cli_json():
    sens = demarche.seed().sensitivity(samples=8, oat_runs=4, seed=2)
    assert sens.to_json() + "\n" == cli("sensitivity", str(SEED), "--samples", "8", "--oat-runs", "4", "--seed", "2", "--format", "json")
    ranked = sens.to_pandas()
    assert {"output", "input", "first_order", "low", "high"} <= set(ranked.columns) and len(ranked) > 0
    with pytest.raises(ValueError, match="samples"):
        demarche.seed().sensitivity(samples=1)
    with pytest.raises(ValueError, match="unknown channel"):
        demarche.seed().sensitivity(channel="pigeon")


def test_a_scenario_pickles_as_its_json():
    import pickle

    s = demarche.seed().with_changes({"us_admin.enrichment_level.position": 3.67})
    t = pickle.loads(pickle.dumps(s))
    assert t.to_json() == s.to_json()


def test_sweep_grid_runs_every_variant_as_a_lone_call_would():
    s = demarche.seed()
    grid = [{}, {"us_admin.enrichment_level.position": 3.67}, {"us_admin.enrichment_level.position": 3.67, "iran_gov.stockpile.salience": 0.5}]
    df = demarche.sweep_grid(s, grid, models="compromise")
    assert list(df.columns[:3]) == ["variant", "us_admin.enrichment_level.position", "iran_gov.stockpile.salience"]
    assert sorted(set(df["variant"])) == [0, 1, 2]
    lone = s.with_changes(grid[1]).forecast("compromise").to_pandas()
    got = df[df.variant == 1].reset_index(drop=True)
    assert list(got["outcome"]) == list(lone["outcome"])
    sims = demarche.sweep_grid(s, grid[:2], what="simulate", runs=200, seed=3)
    assert len(sims) == 4 and set(sims["channel"]) == {"direct", "mediated"}
    with pytest.raises(demarche.ScenarioError, match="variant 1"):
        demarche.sweep_grid(s, [{}, {"nobody.x.position": 1}])
    with pytest.raises(ValueError, match="what="):
        demarche.sweep_grid(s, [{}], what="dance")


def test_sweep_grid_on_a_dask_cluster_equals_the_local_sweep():
    distributed = pytest.importorskip("distributed")
    s = demarche.seed()
    grid = [{}, {"us_admin.enrichment_level.position": 3.67}]
    local = demarche.sweep_grid(s, grid, what="simulate", runs=300, seed=5)
    # Loopback only, dashboard off, two worker processes.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = demarche.sweep_grid(s, grid, what="simulate", runs=300, seed=5, client=client)
    assert remote.equals(local)


def test_a_split_simulation_merges_into_exactly_the_whole(tmp_path):
    s = demarche.seed()
    whole = s.simulate(runs=3000, seed=7)
    parts = [s.simulate(runs=3000, seed=7, run_range=r) for r in [(2000, 3000), (0, 257), (257, 2000)]]
    assert [p.start for p in parts] == [2000, 0, 257]
    assert demarche.merge(parts).to_json() == whole.to_json()
    # The same with the CLI's parts, and the CLI merging Python's.
    files = [parts[k].save(tmp_path / f"p{k}.json") for k in range(3)]
    assert demarche.merge(files).to_json() == whole.to_json()
    assert cli("merge", *map(str, files), "--format", "json", "--no-store") == whole.to_json() + "\n"
    with pytest.raises(ValueError, match="in no part"):
        demarche.merge(parts[:2])
    with pytest.raises(ValueError, match="not a part of the 3000 runs"):
        s.simulate(runs=3000, seed=7, run_range=(2500, 4000))


def test_sweep_splits_one_simulation_and_equals_a_single_call():
    s = demarche.seed()
    assert demarche.sweep(s, runs=2000, seed=7, chunks=5).to_json() == s.simulate(runs=2000, seed=7).to_json()


def test_sweep_on_a_dask_cluster_equals_a_single_call():
    distributed = pytest.importorskip("distributed")
    s = demarche.seed()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = demarche.sweep(s, runs=200_000, seed=7, chunks=8, client=client)
    assert got.to_json() == s.simulate(runs=200_000, seed=7).to_json()


def test_a_split_sensitivity_analysis_merges_into_exactly_the_whole(tmp_path):
    s = demarche.seed()
    whole = s.sensitivity(samples=24, oat_runs=6, seed=2)
    # Rows 0..24 are the Sobol samples, 24..30 the one-at-a-time runs: one part straddles both.
    parts = [s.sensitivity(samples=24, oat_runs=6, seed=2, sample_range=r) for r in [(20, 27), (0, 20), (27, 30)]]
    assert {p.kind for p in parts} == {"sensitivity"} and parts[0].total == 30
    assert demarche.merge(parts).to_json() == whole.to_json()
    files = [parts[k].save(tmp_path / f"s{k}.json") for k in range(3)]
    assert cli("merge", *map(str, files), "--format", "json", "--no-store") == whole.to_json() + "\n"
    with pytest.raises(ValueError, match="rows 27..30 are in no part"):
        demarche.merge(parts[:2])
    with pytest.raises(ValueError, match="not a part of the design's 30 rows"):
        s.sensitivity(samples=24, oat_runs=6, sample_range=(25, 31))
    with pytest.raises(ValueError, match="one job at a time"):
        demarche.merge([parts[0], s.simulate(runs=100, seed=1, run_range=(0, 100))])
    assert demarche.sweep_sensitivity(s, samples=24, oat_runs=6, seed=2, chunks=4).to_json() == whole.to_json()


def test_sweep_sensitivity_on_a_dask_cluster_equals_a_single_call():
    distributed = pytest.importorskip("distributed")
    s = demarche.seed()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = demarche.sweep_sensitivity(s, samples=40, oat_runs=10, seed=4, chunks=5, client=client)
    assert got.to_json() == s.sensitivity(samples=40, oat_runs=10, seed=4).to_json()


def test_a_negotiation_writes_its_report(tmp_path):
    river = ROOT / "examples" / "negotiation" / "river"
    paths = [river / "river-domain.xml", river / "upstream.xml", river / "downstream.xml"]
    n = demarche.negotiate(paths, ["boulware", "conceder"], rounds=100, seed=1)
    html = n.report(tmp_path / "n.html").read_text(encoding="utf-8")
    assert "Agreed terms" in html and "offers over time" in html and "boulware" in html
    assert n.agreed and len(n.to_pandas("agreement")) == 3
    with pytest.warns(DeprecationWarning, match="rounds="):
        old = demarche.negotiate(paths, ["boulware", "conceder"], steps=100, seed=1)
    assert old.to_json() == n.to_json()


def test_a_negotiation_equals_the_cli_json():
    laptop = SHARED / "reference" / "negotiation" / "genius" / "Laptop"
    if not laptop.is_dir():
        pytest.skip("../shared is absent: the Genius Laptop domain is not here")
    paths = [laptop / "Laptop-A-domain.xml", laptop / "Laptop-A-prof1.xml", laptop / "Laptop-A-prof2.xml"]
    n = demarche.negotiate(paths, ["boulware", "conceder"], rounds=200, seed=3, trace=True)
    assert n.to_json() + "\n" == cli("negotiate", *map(str, paths), "--strategies", "boulware,conceder", "--rounds", "200",
                                     "--seed", "3", "--format", "json", "--no-store")
    parties = n.to_pandas()
    assert list(parties["strategy"]) == ["boulware", "conceder"] and "utility" in parties.columns
    assert n.agreed == (len(n.to_pandas("agreement")) > 0)
    assert n.trace is not None
    m = demarche.negotiate(paths, "boulware", protocol="mediated", rounds=100, seed=3)
    assert m.data["protocol"] == "mediated"
    with pytest.raises(ValueError, match="strategies for 2 parties"):
        demarche.negotiate(paths, "boulware,conceder,linear")
    with pytest.raises(ValueError, match="unknown protocol"):
        demarche.negotiate(paths, "boulware", protocol="auction")
