"""Memory and time of `python -m data_prep build` on inputs that used to blow up (issue 10).

Each case is generated into a temporary folder and built by the CLI in a child process; the
figures are the child's peak resident memory (ru_maxrss), its CPU and wall time and how many
lines it printed:

- csv_records: one CSV of 1,000,000 small records (half too short to be an article, half tiny
  articles with no event);
- many_files: 50,000 small text files (tiny articles with no event);
- big_html: one 4 MB HTML page (a long table of short paragraphs).

    python benchmarks/bench_hostile.py                 # all three
    python benchmarks/bench_hostile.py --cases big_html --records 100000

Results are printed and written to benchmarks/out/hostile.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def csv_records(folder: Path, records: int) -> None:
    with (folder / "records.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text"])
        for i in range(records):
            if i % 2:
                writer.writerow([f"r{i}", f"short {i}"])  # rejected: no article text
            else:
                writer.writerow([f"Note {i}", f"Bulletin number {i} of the day: the crossing stays open as usual."])


def many_files(folder: Path, files: int) -> None:
    for i in range(files):
        sub = folder / f"d{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"f{i:05d}.txt").write_text(
            f"published: 2023-01-{1 + i % 28:02d}\n\nBulletin number {i}: the crossing stays open as usual today.\n",
            encoding="utf-8")


def big_html(folder: Path, megabytes: float = 4.0) -> None:
    row = ("<tr><td><p>Residents of the district gathered at the market on a quiet morning, "
           "a local official said.</p></td><td>{i}</td></tr>\n")
    parts, size, i = ["<html><head><title>Long page</title></head><body><article><table>\n"], 0, 0
    while size < megabytes * 1024 * 1024:
        line = row.format(i=i)
        parts.append(line)
        size += len(line)
        i += 1
    parts.append("</table></article></body></html>\n")
    (folder / "page.html").write_text("".join(parts), encoding="utf-8")


def run(case: str, args: argparse.Namespace) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory(prefix=f"bench_{case}_") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        if case == "csv_records":
            csv_records(inputs, args.records)
        elif case == "many_files":
            many_files(inputs, args.files)
        else:
            big_html(inputs)
        script = ("import resource, sys\nfrom data_prep import cli\ncode = cli.main(sys.argv[1:])\n"
                  "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
                  "sys.stderr.write(f'MAXRSS {usage.ru_maxrss} CPU {usage.ru_utime + usage.ru_stime:.1f}\\n')\n"
                  "sys.exit(code)\n")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", script, "build", str(inputs), "--out", str(Path(tmp) / "out"),
                               "--quiet"], cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - started
        usage = next(line.split() for line in done.stderr.splitlines() if line.startswith("MAXRSS"))
        return {"case": case, "exit": done.returncode, "peak_rss_mb": round(int(usage[1]) / 1024, 1),
                "cpu_s": float(usage[3]), "wall_s": round(wall, 1), "stdout_lines": len(done.stdout.splitlines()),
                "first_lines": done.stdout.splitlines()[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=["csv_records", "many_files", "big_html"],
                        choices=["csv_records", "many_files", "big_html"])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=50_000)
    args = parser.parse_args()
    results = []
    for case in args.cases:
        result = run(case, args)
        print(json.dumps(result), flush=True)
        results.append(result)
    OUT.mkdir(exist_ok=True)
    (OUT / "hostile.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
