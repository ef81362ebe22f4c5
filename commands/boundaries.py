"""`import-boundaries` (ward or block polygons) and `import-blocks` (the block table)."""

from __future__ import annotations

from commands.common import EXIT_OK, EXIT_REJECTED, print_problems, say
from commands.session import actor
from i18n import t
from i18n.formats import fmt_number


def register(sub) -> None:
    s = sub.add_parser("import-boundaries", help="import ward or block polygons")
    s.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ")
    s.add_argument("--crs", help="CRS of a file that has none, e.g. EPSG:32648")
    s.add_argument("--level", choices=("ward", "block"), default="ward")
    s.set_defaults(handler=run_boundaries, creates_store=True)

    s = sub.add_parser("import-blocks", help="import the blocks table (tổ dân phố)")
    s.add_argument("csv", help="CSV: ward_code, block_code, block_name, population")
    s.set_defaults(handler=run_blocks)


def run_boundaries(args, store, policy) -> int:
    from data.ingest.boundaries import import_boundaries
    from geo.boundaries.read import BoundaryError

    lang = args.lang
    try:
        summary = import_boundaries(store, args.file, crs=args.crs, level=args.level,
                                    actor=actor(args))
    except BoundaryError as exc:
        print_problems(t("cli.refused", lang, file=args.file), exc.problems, lang)
        say_repairs(exc.repairs, lang, err=True)
        return EXIT_REJECTED
    unit = summary.level + "s"
    pop = "" if summary.population is None else \
        t("cli.boundaries.population", lang, population=fmt_number(summary.population, lang))
    say("cli.boundaries.summary", lang, file=args.file, features=summary.features,
        unit=t(f"cli.unit.{unit}", lang), crs=summary.source_crs,
        new=summary.inserted.get(unit, 0), updated=summary.updated.get(unit, 0), pop=pop)
    say_repairs(summary.repairs, lang)
    if summary.ignored_columns:
        say("cli.boundaries.ignored", lang, columns=", ".join(summary.ignored_columns))
    return EXIT_OK


def say_repairs(repairs, lang: str, *, err: bool = False) -> None:
    """One line a repaired polygon, naming its unit; a refused file's repairs go with its
    problems (standard error), so one report says everything about it."""
    for r in repairs:
        unit = f"{r.code} {r.name}" if r.name else r.code
        x, y = f"{r.where[0]:.6f}", f"{r.where[1]:.6f}"
        if r.area_before_m2 is None:  # the CRS is unknown: no metres to give
            say("cli.boundaries.repaired_here", lang, err=err, code=unit, lon=x, lat=y)
            continue
        say("cli.boundaries.repaired", lang, err=err, code=unit, lon=x, lat=y,
            before=fmt_number(r.area_before_m2, lang, 1),
            after=fmt_number(r.area_after_m2, lang, 1))


def run_blocks(args, store, policy) -> int:
    from data.ingest.blocks import BlocksError, import_blocks_csv

    lang = args.lang
    try:
        summary = import_blocks_csv(store, args.csv, actor=actor(args))
    except BlocksError as exc:
        print_problems(t("cli.refused", lang, file=args.csv), exc.problems, lang)
        return EXIT_REJECTED
    say("cli.blocks.summary", lang, file=args.csv, blocks=summary.blocks, wards=summary.wards,
        population=fmt_number(summary.population, lang), new=summary.inserted,
        updated=summary.updated)
    for w in summary.warnings:  # data.ingest.blocks words its warnings in English only
        say("cli.warning", lang, warning=w)
    return EXIT_OK
