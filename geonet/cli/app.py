"""The application object, its shared options and helpers, and the console entry point (one-line errors)."""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from enum import Enum
from pathlib import Path
from typing import Optional
import shapely

import typer

from .. import gazetteer, settings
from ..display import printable
from ..errors import GeonetError, InputError
from ..io import check_writable, describe_os_error, write_text


app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="geonet: hub networks, door-to-door times and time-goal tests for China's postal plans.")


class Lang(str, Enum):
    zh = "zh"
    en = "en"
    zh_py = "zh-py"


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    geojson = "geojson"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
          offline: bool = typer.Option(False, "--offline", help="OSM downloads answer only from the cache.")) -> None:
    """geonet: hub networks, door-to-door times and time-goal tests for China's postal plans."""
    if offline:
        settings.OSM_OFFLINE = True


HUB_COLUMNS = ["id", "name_zh", "name_en", "system", "tier", "tier_rank", "kind", "lon", "lat", "city", "province",
               "geocode_method", "precision", "source", "quote_id", "quote"]


HUB_TABLE = ["id", "name_zh", "name_en", "tier", "kind", "lon", "lat", "city", "precision"]


def _emit(df, fmt: Fmt, out: Optional[Path], table_cols: list[str], json_cols: list[str]) -> None:
    """Render a (Geo)DataFrame as table/csv/json/geojson to stdout or, atomically, to ``out``."""
    if fmt is Fmt.table:
        text = df[table_cols].to_string(index=False, na_rep="-") + "\n"
    elif fmt is Fmt.csv:
        text = df[json_cols].to_csv(index=False, lineterminator="\n")
    elif fmt is Fmt.json:
        rows = json.loads(df[json_cols].to_json(orient="records", force_ascii=False))
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    else:
        text = df[json_cols + ["geometry"]].to_json(ensure_ascii=False, drop_id=True, na="null") + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_text(out, text)
        typer.echo(f"wrote {out} ({len(df)} rows)", err=True)


def check_csv_out(out: Optional[Path]) -> None:
    """Refuse, before any long work, an ``--out`` that is not a writable .csv file name."""
    if out is not None:
        if out.suffix.lower() != ".csv":
            raise InputError(f"--out {out.name}: use a .csv file name")
        check_writable(out)


def _note_alternatives(*queries: str) -> None:
    """A one-line note on stderr when a route endpoint's name also fits other places."""
    for q in queries:
        try:
            p = gazetteer.locate(q)
        except GeonetError:
            continue  # not a place name (a node id, lon,lat): the route call reports real problems
        if p.alternatives:
            typer.echo(f"note: {q} is taken as {p.name_zh} ({p.province}); it also names "
                       f"{'; '.join(p.alternatives[:4])}", err=True)


def _modes(text: str) -> list[str]:
    return [m for m in text.split(",") if m.strip()]


def _bbox(text: str):
    try:
        w, s_, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"--bbox {text!r}: give west,south,east,north in degrees, e.g. 113.2,22.9,113.5,23.3") from None
    if not (-180 <= w < e <= 180 and -90 <= s_ < n <= 90):
        raise InputError(f"--bbox {text!r}: need west < east and south < north, in degrees")
    return shapely.box(w, s_, e, n)


MAX_ERROR_CHARS = 600


def _clip(text: str) -> str:
    """One line of at most MAX_ERROR_CHARS characters (long echoes of input are cut)."""
    text = printable(" ".join(text.split()).encode("utf-8", "backslashreplace").decode("utf-8"))
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 20] + f" ... [{len(text)} chars]"


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    typer.echo(f"warning: {_clip(str(message))}", err=True)


def main() -> None:
    """Console entry point: run the app, turning GeonetError into one line on stderr and exit code 2."""
    debug = "--debug" in sys.argv[1:]
    warnings.showwarning = _one_line_warning
    try:
        for i, arg in enumerate(sys.argv[1:], start=1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(f"argument {i} ({_clip(arg)!s}) is not valid UTF-8 text; names and paths must be "
                                 "UTF-8") from None
        rc = app(standalone_mode=False)  # usage errors come here as exceptions: one line, like every error
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except typer.TyperException as exc:  # click's usage errors: unknown option, bad value, missing file
        if debug:
            traceback.print_exc()
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:  # `geonet` alone: its help
            typer.echo(ctx.get_help())
            sys.exit(0)
        msg = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        typer.echo(f"error: {_clip(msg + hint)}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except GeonetError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"error: {_clip(str(exc))}", err=True)
        sys.exit(2)
    except OSError as exc:  # a file the user named could not be read or written
        if debug:
            traceback.print_exc()

        typer.echo(f"error: {_clip(describe_os_error(exc))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line unless --debug
        if debug:
            traceback.print_exc()
        typer.echo(f"error: internal {type(exc).__name__}: {_clip(str(exc))} (run with --debug for the traceback)",
                   err=True)
        sys.exit(1)
