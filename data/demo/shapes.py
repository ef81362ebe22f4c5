"""The demo city's polygons: a made-up city outline cut into districts, wards and blocks
(tổ dân phố) as nested Voronoi mosaics, so the pieces of every level tile their parent
with no gap and no overlap. `subdivide` cuts given real wards into blocks the same way
(`demo --boundaries`).

The city is fictional. Its outline is a smooth blob placed in the rice fields of Long An,
between Bến Lức and Tân An, where no city of this shape exists; it only sits in Vietnam's
UTM zone so that maps and areas behave as they would for a real one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely

PROJECTED_CRS = "EPSG:32648"  # UTM 48N: metres, so areas and Voronoi cells are honest
CENTRE_XY = (658_000.0, 1_174_000.0)  # ≈ 106.45 E, 10.62 N (fields in Long An, see above)
BLOCK_AREA_M2 = 120_000.0  # ≈ 0.12 km² a tổ dân phố, a dense-suburb size
LLOYD_ROUNDS = 3  # relaxation evens out cell sizes, as real wards are roughly even


@dataclass(frozen=True)
class Mosaic:
    """Every geometry in PROJECTED_CRS; children are grouped by parent, in reading order."""

    outline: shapely.Polygon
    districts: np.ndarray  # Polygon per district
    wards: np.ndarray  # Polygon per ward
    ward_district: np.ndarray  # district index of each ward (non-decreasing)
    blocks: np.ndarray  # Polygon per block
    block_ward: np.ndarray  # ward index of each block (non-decreasing)


def city_outline(n_blocks: int, rng: np.random.Generator) -> shapely.Polygon:
    """A convex, gently irregular blob whose area fits `n_blocks` blocks.

    Convex on purpose: Voronoi cells clipped to a convex parent stay convex single
    polygons, so no ward or block can fall apart into a MultiPolygon.
    """
    theta = np.linspace(0.0, 2 * np.pi, 96, endpoint=False)
    phase = rng.uniform(0, 2 * np.pi, 2)
    # Small low harmonics keep r² + 2r'² − r·r'' > 0, i.e. the curve convex.
    shape = 1 + 0.07 * np.sin(2 * theta + phase[0]) + 0.03 * np.sin(3 * theta + phase[1])
    ring = np.column_stack([np.cos(theta) * shape, np.sin(theta) * shape])
    unit = shapely.Polygon(ring)
    scale = np.sqrt(n_blocks * BLOCK_AREA_M2 / unit.area)
    return shapely.Polygon(ring * scale + np.asarray(CENTRE_XY))


MOSAIC_STEPS = 4  # progress steps of build_mosaic


def build_mosaic(n_districts: int, n_wards: int, blocks_per_ward: int,
                 rng: np.random.Generator, progress=None) -> Mosaic:
    """Outline → districts → wards → blocks, each level tiling the one above it.

    progress(done, MOSAIC_STEPS, label), if given, is called after each step.
    """
    if not 1 <= n_districts <= n_wards:
        raise ValueError(f"need 1 ≤ districts ≤ wards, got {n_districts} and {n_wards}")
    tick = progress or (lambda *_: None)
    outline = city_outline(n_wards * blocks_per_ward, rng)
    districts, _ = tessellate(np.array([outline]), np.array([n_districts]), rng)
    tick(1, MOSAIC_STEPS, "districts")
    counts = allocate(shapely.area(districts), n_wards)
    wards, ward_district = tessellate(districts, counts, rng)
    tick(2, MOSAIC_STEPS, "wards")
    blocks, block_ward = tessellate(wards, np.full(n_wards, blocks_per_ward), rng)
    tick(3, MOSAIC_STEPS, "blocks")
    # Each level was cut inside its parent, so where two wards meet, the blocks on either
    # side have different corners on the shared edge. Giving every polygon its neighbours'
    # corners and rebuilding the upper levels from the blocks makes all edges match
    # vertex for vertex, and so stay gap-free after reprojection (which bends lines).
    blocks = node(blocks)
    wards = group_union(blocks, block_ward, n_wards)
    districts = group_union(wards, ward_district, n_districts)
    tick(4, MOSAIC_STEPS, "edges")
    return Mosaic(outline, districts, wards, ward_district, blocks, block_ward)


SUBDIVIDE_STEPS = 3  # progress steps of subdivide


def subdivide(parents: np.ndarray, counts: np.ndarray, rng: np.random.Generator,
              progress=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut given polygons (real wards: concave, possibly in several parts) into counts[i]
    blocks each. Returns the blocks, each block's parent index, and the parents rebuilt as
    the union of their blocks.

    Real boundary files are seldom an exact coverage (slivers where two wards were
    digitised apart), so instead of node() the blocks are cleaned into one: shared edges
    identical, each overlap given to one side. The rebuilt parents tile as the blocks do.
    """
    tick = progress or (lambda *_: None)
    blocks, owner = tessellate(parents, counts, rng)
    tick(1, SUBDIVIDE_STEPS, "blocks")
    blocks = shapely.coverage_clean(blocks)
    if shapely.is_empty(blocks).any():
        raise RuntimeError("a block vanished while cleaning the coverage; try another seed")
    tick(2, SUBDIVIDE_STEPS, "edges")
    blocks = absorb_fragments(blocks, owner)
    rebuilt = group_union(blocks, owner, len(parents))
    tick(3, SUBDIVIDE_STEPS, "wards")
    return blocks, owner, rebuilt


def absorb_fragments(blocks: np.ndarray, owner: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Give each detached piece of a block to the block of the same parent with which it
    shares the longest edge: a Voronoi cell clipped to a concave ward can fall apart, and
    a tổ dân phố is one piece of land. A piece with no such neighbour (in a ward's own
    exclave) stays where it is. Needs a clean coverage: edges are compared exactly."""
    blocks = blocks.copy()
    for _ in range(rounds):
        tree, gifts = shapely.STRtree(blocks), {}
        for i in np.flatnonzero(shapely.get_num_geometries(blocks) > 1):
            parts = shapely.get_parts(blocks[i])
            main = int(np.argmax(shapely.area(parts)))
            kept = [parts[main]]
            for part in np.delete(parts, main):
                to = _longest_border(part, i, blocks, owner, tree)
                if to is None:
                    kept.append(part)
                else:
                    gifts.setdefault(to, []).append(part)
            blocks[i] = shapely.coverage_union_all(kept)
        if not gifts:
            break
        for j, parts in gifts.items():
            blocks[j] = shapely.coverage_union_all([blocks[j], *parts])
    return blocks


def _longest_border(part, i: int, blocks: np.ndarray, owner: np.ndarray,
                    tree: shapely.STRtree) -> int | None:
    """The block of the same parent as block i whose main (largest) piece shares the
    longest edge with `part`. Main pieces only, so that two blocks' pieces on an exclave
    are not swapped back and forth."""
    near = tree.query(part, predicate="intersects")
    near = near[(owner[near] == owner[i]) & (near != i)]
    if not len(near):
        return None
    mains = np.array([_main_piece(g) for g in blocks[near]], dtype=object)
    shared = shapely.length(shapely.intersection(part.boundary, shapely.boundary(mains)))
    return int(near[np.argmax(shared)]) if shared.max() > 0 else None


def _main_piece(geom):
    if shapely.get_num_geometries(geom) == 1:
        return shapely.get_geometry(geom, 0)
    parts = shapely.get_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))]


def node(polygons: np.ndarray, tolerance: float = 1e-4) -> np.ndarray:
    """Insert into each polygon's edges the vertices of its neighbours lying on them."""
    if len(polygons) < 2:
        return polygons
    tree = shapely.STRtree(polygons)
    mine, theirs = tree.query(polygons, predicate="dwithin", distance=tolerance)
    pair = mine != theirs
    mine, theirs = mine[pair], theirs[pair]
    xy, which = shapely.get_coordinates(polygons[theirs], return_index=True)
    target = mine[which]  # query pairs come sorted by `mine`, so this is non-decreasing
    snap_to = np.full(len(polygons), shapely.MultiPoint(), dtype=object)
    points = shapely.multipoints(xy, indices=target)
    snap_to[: len(points)] = points
    return shapely.snap(polygons, snap_to, tolerance)


def group_union(parts: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """The union of each group's parts, keeping every vertex (coverage union)."""
    starts = np.searchsorted(group, np.arange(n + 1))
    return np.array([shapely.coverage_union_all(parts[a:b])
                     for a, b in itertools.pairwise(starts)], dtype=object)


def allocate(areas: np.ndarray, total: int) -> np.ndarray:
    """Split `total` children over parents by area (largest remainder), at least one each."""
    n = len(areas)
    share = areas / areas.sum() * (total - n)
    counts = np.floor(share).astype(int) + 1
    leftover = total - counts.sum()
    # Stable sort keeps ties in parent order, so the result is deterministic.
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    counts[order[:leftover]] += 1
    return counts


def tessellate(parents: np.ndarray, counts: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cut each parent polygon into counts[i] Voronoi cells (Lloyd-relaxed).

    Returns the cells and each cell's parent index, grouped by parent in reading order.
    """
    owner = np.repeat(np.arange(len(parents)), counts)
    xy = np.concatenate([random_points(p, k, rng) for p, k in zip(parents, counts, strict=True)])
    for _ in range(LLOYD_ROUNDS):
        cells, owner = voronoi_cells(parents, xy, owner)
        xy = inner_points(cells, parents[owner])
    cells, owner = voronoi_cells(parents, xy, owner)
    order = reading_order(cells, owner, parents, counts)
    return cells[order], owner[order]


def voronoi_cells(parents: np.ndarray, xy: np.ndarray,
                  owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Voronoi cells of each parent's seeds, clipped to that parent."""
    single = np.bincount(owner, minlength=len(parents)) == 1
    seeds = shapely.multipoints(xy, indices=owner)
    # GEOS returns an empty diagram for a single seed: that cell is the whole parent.
    diagrams = shapely.voronoi_polygons(seeds, extend_to=parents)
    diagrams[single] = parents[single]
    cells, idx = shapely.get_parts(diagrams, return_index=True)
    clipped = polygonal(shapely.intersection(cells, parents[idx]))
    keep = ~shapely.is_empty(clipped)
    if keep.sum() != len(owner):
        raise RuntimeError("a Voronoi cell fell outside its parent; try another seed")
    return clipped[keep], idx[keep]


def inner_points(cells: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Each cell's centroid, or a point on its surface where the centroid falls outside
    its parent (a concave real ward): a seed outside its parent would get no cell."""
    xy = shapely.get_coordinates(shapely.centroid(cells))
    outside = ~shapely.contains_xy(parents, xy[:, 0], xy[:, 1])
    if outside.any():
        xy[outside] = shapely.get_coordinates(shapely.point_on_surface(cells[outside]))
    return xy


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Only the polygons of each geometry: clipping to a concave parent can also leave
    the lines and points where a cell merely touches the parent's edge."""
    mixed = np.flatnonzero(shapely.get_type_id(geoms) == 7)  # GeometryCollection
    for i in mixed:
        parts = shapely.get_parts(geoms[i])
        geoms[i] = shapely.union_all(parts[shapely.get_dimensions(parts) == 2])
    return geoms


def reading_order(cells: np.ndarray, owner: np.ndarray, parents: np.ndarray,
                  counts: np.ndarray) -> np.ndarray:
    """Sort cells within each parent north to south in rows, west to east within a row,
    so that TDP01, TDP02… run across the map the way a person would number them."""
    xy = shapely.get_coordinates(shapely.centroid(cells))
    row_height = np.sqrt(shapely.area(parents) / np.maximum(counts, 1))[owner]
    top = shapely.bounds(parents)[owner, 3]
    row = np.floor((top - xy[:, 1]) / row_height)
    return np.lexsort((xy[:, 0], row, owner))


def random_points(polygon: shapely.Polygon, k: int, rng: np.random.Generator) -> np.ndarray:
    """k points uniformly inside `polygon` (rejection sampling in its bounding box)."""
    x0, y0, x1, y1 = polygon.bounds
    shapely.prepare(polygon)
    found = np.empty((0, 2))
    while len(found) < k:
        n = 2 * k + 16
        cand = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        inside = shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])
        found = np.concatenate([found, cand[inside]])
    return found[:k]


def centroids(geoms: np.ndarray) -> np.ndarray:
    """(n, 2) centroid coordinates, for placing outbreaks on the map."""
    return shapely.get_coordinates(shapely.centroid(geoms))
