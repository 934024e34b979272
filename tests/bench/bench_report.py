"""Benchmark the report PDF against bare WeasyPrint rendering the very same HTML.

Run from the repository root:  DEBUG=True .venv/bin/python tests/bench/bench_report.py [-n 7]

It builds a temporary SQLite database, imports the 2020 sample report and prints a table:

- cold: a new Python process renders the PDF once. "render" is timed inside that process
  around the render call alone, WeasyPrint already imported on both sides (the portal:
  render_report_pdf(report), reading the report from the database and compiling the
  template included; bare: weasyprint.HTML(string=html).write_pdf()); "process" is the wall
  time of the whole process: interpreter start, imports (and Django set-up), render.
- warm: median of N renders in this process after one untimed render, the portal's and the
  bare ones interleaved so that a busy machine slows both alike.
- memory: the peak of Python allocations during one render (tracemalloc) and the peak
  resident size of the cold process (getrusage maxrss).

The statistics block is left out: the benchmark measures the report's own layout.
Not a timed test: it always exits 0 and prints whether the targets (portal / bare ≤ 1.1,
warm ≤ 0.25 s) were met on this machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "reports" / "samples" / "sample-report-2020.txt"
TARGET_RATIO, TARGET_WARM = 1.1, 0.25


def setup_django(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "True")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "foreign_affairs.settings"
    import django

    django.setup()


def max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- the cold process ------------------------------------------------------------------------


def cold_child(kind: str, path: str) -> None:
    """Render once in this fresh process and print the timings as JSON."""
    import weasyprint  # noqa: F401  (both sides import it before the clock starts)

    if kind == "portal":
        setup_django(Path(path))
        from reports.models import AnnualReport
        from reports.pdf import render_report_pdf

        start, cpu = time.perf_counter(), time.process_time()
        pdf = render_report_pdf(AnnualReport.objects.get(year=2020))
    else:
        from weasyprint import HTML

        html = Path(path).read_text(encoding="utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        pdf = HTML(string=html).write_pdf()
    render, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"render": render, "cpu": cpu, "rss": max_rss_mb(), "bytes": len(pdf)}))


def run_cold(kind: str, path: Path) -> dict:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--cold", kind, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    measured["process"] = time.perf_counter() - start
    return measured


# --- warm, in this process -------------------------------------------------------------------


def timed(render) -> tuple[float, float]:
    """Wall time and CPU time of one render."""
    start, cpu = time.perf_counter(), time.process_time()
    render()
    return time.perf_counter() - start, time.process_time() - cpu


def peak_python_mb(render) -> float:
    tracemalloc.start()
    render()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="warm renders of each (at least 5)")
    args = parser.parse_args()
    runs = max(args.n, 5)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        database = Path(folder) / "bench.sqlite3"
        setup_django(database)
        from django.core.management import call_command
        from weasyprint import HTML
        from weasyprint import __version__ as weasyprint_version

        from foreign_affairs.checks import pdf_rendering_check
        from reports.importer import report_import
        from reports.pdf import render_report_html, render_report_pdf

        call_command("migrate", verbosity=0)
        report_import(file=SAMPLE, filename=SAMPLE.name, year=2020)
        html_path = Path(folder) / "report.html"
        html_path.write_text(render_report_html(fresh_report(), draft=True), encoding="utf-8")
        html = html_path.read_text(encoding="utf-8")

        cold = {"portal": run_cold("portal", database), "bare": run_cold("bare", html_path)}

        def portal():
            return render_report_pdf(fresh_report())

        def bare():
            return HTML(string=html).write_pdf()

        pages = len(HTML(string=html).render().pages)
        portal(), bare()  # load fonts and caches once
        warm = {"portal": [], "bare": []}
        for run in range(runs):  # interleaved, alternating which goes first
            for kind in ("portal", "bare") if run % 2 else ("bare", "portal"):
                warm[kind].append(timed(portal if kind == "portal" else bare))
        memory = {"portal": peak_python_mb(portal), "bare": peak_python_mb(bare)}
        subsetter = not any(w.id == "foreign_affairs.W001" for w in pdf_rendering_check(None))

    wall = {kind: [w for w, _ in times] for kind, times in warm.items()}
    cpu = {kind: [c for _, c in times] for kind, times in warm.items()}
    rows = [
        ("cold render (new process)", "s", cold["portal"]["render"], cold["bare"]["render"]),
        ("cold render, CPU time", "s", cold["portal"]["cpu"], cold["bare"]["cpu"]),
        ("cold process, start to PDF", "s", cold["portal"]["process"], cold["bare"]["process"]),
        (
            f"warm render, median of {runs}",
            "s",
            statistics.median(wall["portal"]),
            statistics.median(wall["bare"]),
        ),
        (f"warm render, best of {runs}", "s", min(wall["portal"]), min(wall["bare"])),
        (
            f"warm render CPU, median of {runs}",
            "s",
            statistics.median(cpu["portal"]),
            statistics.median(cpu["bare"]),
        ),
        ("peak Python memory, 1 render", "MB", memory["portal"], memory["bare"]),
        ("peak RSS, cold process", "MB", cold["portal"]["rss"], cold["bare"]["rss"]),
    ]
    print(
        f"Report PDF: {SAMPLE.name}, {pages} pages, {cold['portal']['bytes'] // 1024} KB; "
        f"WeasyPrint {weasyprint_version}; HarfBuzz subsetter {'found' if subsetter else 'MISSING'}"
    )
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs (wall times suffer when it is high)")
    print(f"{'':32}{'portal':>10}{'bare WeasyPrint':>17}{'ratio':>8}")
    for label, unit, ours, theirs in rows:
        print(f"{label:32}{ours:>7.3f} {unit:<2}{theirs:>14.3f} {unit:<2}{ours / theirs:>7.2f}")
    ratio = statistics.median(wall["portal"]) / statistics.median(wall["bare"])
    warm_median = statistics.median(wall["portal"])
    print(
        f"targets: warm ratio {ratio:.2f} ≤ {TARGET_RATIO}: {_verdict(ratio <= TARGET_RATIO)}; "
        f"warm {warm_median:.3f} s ≤ {TARGET_WARM} s: {_verdict(warm_median <= TARGET_WARM)}"
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def fresh_report():
    """The report as a view gets it: a new query each time, nothing cached on the object."""
    from reports.models import AnnualReport

    return AnnualReport.objects.get(year=2020)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--cold":
        cold_child(sys.argv[2], sys.argv[3])
    else:
        main()
