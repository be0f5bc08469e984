"""Command line: a thin shell over the library (`python -m data_prep build INPUT... --out DIR`)."""
from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from . import io, table_folder
from . import schema as S
from . import settings
from .pipeline import BuildSummary, build_to_folder

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_NOTHING = 3  # nothing could be processed
LISTED = 100  # skipped inputs listed one per line in the summary; the rest are counted


class CliError(Exception):
    """A problem the user can fix, reported as one line."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m data_prep", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the event table from article files or folders")
    build.add_argument("inputs", nargs="+", type=Path, help="files or folders (read recursively)")
    build.add_argument("--out", type=Path, default=settings.DEFAULT_OUT_DIR, help="output folder")
    build.add_argument("--quiet", action="store_true", help="no progress bar, summary only")
    build.add_argument("--follow-symlinks", action="store_true",
                       help="read files that symbolic links point to outside the input folders (not by default)")
    build.add_argument("-v", "--verbose", action="store_true", help="log each step")
    export = sub.add_parser("export", help="write the event table, with analysts' review decisions applied")
    export.add_argument("data_dir", type=Path, help="an output folder of `build` (with reviews.sqlite)")
    export.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.parquet")
    export.add_argument("--reviewed", action="store_true",
                        help="apply the review decisions and add the review columns (else: the machine table)")
    export.add_argument("--drop-rejected", action="store_true", help="leave out events reviewers rejected")
    return parser.parse_args(argv)


def summary(result: BuildSummary, out_dir: Path) -> str:
    """What a build did, in a few lines."""
    lines = [
        f"Read {result.inputs} input(s): {result.processed} article(s) processed "
        f"({result.undated} undated), {result.rejected} skipped.",
        f"Found {result.events} event(s) from {result.mentions} mention(s): "
        + ", ".join(f"{n} {t}" for t, n in result.event_types.items()),
        "Days: " + ", ".join(f"{n} {p}" for p, n in result.date_precisions.items()),
        f"Wrote {out_dir}",
    ]
    listed = result.rejects[:LISTED]
    lines += [f"  skipped {r.file}: {r.reason}" for r in listed]
    if result.rejected > len(listed):
        lines.append(f"  ... and {result.rejected - len(listed):,} more skipped; each is listed with its reason in "
                     f"{out_dir / settings.ARTICLES_CSV}")
    return "\n".join(lines)


def run_build(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    # Writes the folder part by part (texts and mentions are never all in memory), and nothing
    # when no article could be processed.
    result = build_to_folder(args.inputs, args.out, progress=not args.quiet and sys.stderr.isatty(),
                             follow_symlinks=args.follow_symlinks)
    if result.processed == 0:
        reasons = "; ".join(f"{r.file}: {r.reason}" for r in result.rejects[:5]) or "no input files found"
        print(f"error: no article could be processed ({reasons})", file=sys.stderr)
        return EXIT_NOTHING
    print(summary(result, args.out))
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from .reviews import ReviewStoreError, export_table  # the review store is only needed here

    if args.drop_rejected and not args.reviewed:
        raise CliError("--drop-rejected needs --reviewed")
    try:
        result = export_table(args.data_dir, args.out, reviewed=args.reviewed, drop_rejected=args.drop_rejected)
    except ReviewStoreError as error:
        raise CliError(str(error)) from error
    counts = ", ".join(f"{n} {status}" for status, n in result.statuses.items())
    print(f"Wrote {result.rows} event(s) to {result.path}" + (f" ({counts})" if counts else ""))
    if result.orphans:
        print(f"warning: {result.orphans} review decision(s) no longer match an event; they are kept in "
              f"{settings.REVIEWS_DB} (see the dashboard)", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"build": run_build, "export": run_export}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except Exception as error:  # noqa: BLE001 - every library error is one line, never a traceback
        print(f"error: {describe_error(error, args)}", file=sys.stderr)
        if not isinstance(error, KNOWN_ERRORS) and not table_folder.is_disk_full(error):
            logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        return EXIT_ERROR


KNOWN_ERRORS = (CliError, io.OutputError, table_folder.FolderError, OSError, ValueError)


def describe_error(error: Exception, args: argparse.Namespace) -> str:
    """One line for an error: what happened, and that the previous table is intact when writing failed."""
    target = getattr(args, "out", None)
    unchanged = f"; {target} is unchanged" if args.command == "build" else ""
    if table_folder.is_disk_full(error):
        return f"the disk is full: cannot write {target} ({error}){unchanged}"
    if isinstance(error, sqlite3.Error):  # the build's scratch file (a disk or file-size problem)
        return f"cannot write {target}: {error}{unchanged}"
    if isinstance(error, KNOWN_ERRORS):
        return str(error)
    return f"{type(error).__name__}: {error}"
