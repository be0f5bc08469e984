"""`python -m dashboard [DATA_DIR]`: build the table when it is missing or stale, then serve the dashboard.

With no DATA_DIR (and no $EVENTS_DATA) the table is data/seeds, built from seeds/ whenever it is
missing or older than the seed files or the preparation code and rules (data_prep/). A DATA_DIR
of your own is served as it is, unless `--inputs` names what to build it from.
The dashboard runs as `python -m streamlit run dashboard/serve.py` from the repository root (the
page of dashboard/app.py, with the default view prepared as the server starts), so `dashboard` and
`data_prep` import as packages, on 127.0.0.1:8501 unless told otherwise.
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from dashboard.data import ENV_VAR, TABLE_FILES
from data_prep import cli, io, settings

LOGGER = logging.getLogger("dashboard")

APP = Path(__file__).resolve().parent / "serve.py"  # app.py's page, started ahead of the first browser
REPO_DIR = settings.REPO_DIR
PREP_CODE = settings.PACKAGE_DIR  # a change of rules or code makes the seeds' table stale too


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path,
                        help=f"folder written by `python -m data_prep build` (default: ${ENV_VAR}, "
                             f"else {settings.DEFAULT_OUT_DIR.relative_to(REPO_DIR)} built from seeds/)")
    parser.add_argument("--inputs", nargs="+", type=Path,
                        help="article files or folders to (re)build DATA_DIR from when it is stale")
    parser.add_argument("--address", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-build", action="store_true", help="serve the folder as it is, never build")
    parser.add_argument("--build-only", action="store_true", help="build if stale, then exit")
    return parser.parse_args(argv)


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            yield path


def is_stale(data_dir: Path, inputs: Sequence[Path]) -> bool:
    """True when the folder has no complete table, or any input is newer than its event table."""
    tables = [data_dir / name for name in TABLE_FILES]
    if not all(t.is_file() for t in tables):
        return True
    built = min(t.stat().st_mtime_ns for t in tables)
    return any(f.stat().st_mtime_ns > built for f in _files(inputs))


def resolve(args: argparse.Namespace) -> tuple[Path, list[Path]]:
    """The folder to serve and what it is built from (nothing for a folder of the user's own)."""
    if args.data_dir is not None:
        return args.data_dir.expanduser().resolve(), list(args.inputs or [])
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().resolve(), list(args.inputs or [])
    return settings.DEFAULT_OUT_DIR, list(args.inputs or [settings.SEEDS_DIR])


def build_if_stale(data_dir: Path, inputs: Sequence[Path]) -> int:
    """Run `data_prep build` when needed; its exit code (0 when nothing had to be done)."""
    if not inputs:
        if not (data_dir / settings.EVENTS_PARQUET).is_file():
            print(f"error: no event table in {data_dir}: run `python -m data_prep build INPUT... --out {data_dir}`"
                  " or pass --inputs", file=sys.stderr)
            return cli.EXIT_ERROR
        return cli.EXIT_OK
    watched = list(inputs) + ([PREP_CODE] if data_dir == settings.DEFAULT_OUT_DIR else [])
    if not is_stale(data_dir, watched):
        print(f"Event table in {data_dir} is up to date.", file=sys.stderr)
        return cli.EXIT_OK
    print(f"Building the event table in {data_dir} from {', '.join(str(p) for p in inputs)} …", file=sys.stderr)
    return cli.main(["build", *map(str, inputs), "--out", str(data_dir), "--quiet"])


def streamlit_command(address: str, port: int) -> list[str]:
    """The server command, run from the repository root."""
    return [sys.executable, "-m", "streamlit", "run", str(APP.relative_to(REPO_DIR)),
            "--server.address", address, "--server.port", str(port), "--server.headless", "true"]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    data_dir, inputs = resolve(args)
    if not args.no_build:
        code = build_if_stale(data_dir, inputs)
        if code != cli.EXIT_OK:
            return code
    if args.build_only:
        return cli.EXIT_OK
    missing = [name for name in TABLE_FILES if not (data_dir / name).is_file()]
    if missing:  # say it here, in one line, rather than in the browser
        print(f"error: no {', '.join(missing)} in {data_dir}: {io.RUN_BUILD}", file=sys.stderr)
        return cli.EXIT_ERROR
    print(f"Serving {data_dir} on http://{args.address}:{args.port}", file=sys.stderr)
    env = {**os.environ, ENV_VAR: str(data_dir)}
    try:
        return subprocess.call(streamlit_command(args.address, args.port), cwd=REPO_DIR, env=env)
    except KeyboardInterrupt:
        return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
