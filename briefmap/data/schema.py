"""The one module that knows Briefmap's data model.

Every mapped thing is a :class:`Claim`: something a *claimant* says about
one or more :class:`Place` objects and the *actors* there, with a *status*
on a fixed ladder (how well sourced it is) and a *posture* (current,
proposed or former). The method's vocabularies live here so that loaders,
builders, pages and tests all agree on them; what belongs to a data set (its
title, region of interest and actors) is :class:`DataMeta`, read from its
``briefmap.json`` or, without one, taken from the data itself
(:mod:`briefmap.data.meta`). No subject lives in the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefmap.engine.index import CatalogIndex


class ClaimStatus(str, Enum):
    """How well sourced a claim is, strongest first."""

    CONFIRMED = "confirmed"
    STATED = "stated"
    REPORTED = "reported"
    UNVERIFIED = "unverified"
    DENIED = "denied"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the strongest rung of the ladder."""
        return list(ClaimStatus).index(self)


STATUS_LABELS: dict[ClaimStatus, str] = {
    ClaimStatus.CONFIRMED: "Confirmed",
    ClaimStatus.STATED: "Stated on the record",
    ClaimStatus.REPORTED: "Reported",
    ClaimStatus.UNVERIFIED: "Unverified",
    ClaimStatus.DENIED: "Denied",
}

STATUS_DEFINITIONS: dict[ClaimStatus, str] = {
    ClaimStatus.CONFIRMED: (
        "Established: at least two independent outlets carry it, or the official "
        "record of a party it concerns (a government's readout, a UN statement) says so."
    ),
    ClaimStatus.STATED: (
        "Said on the record by a named person or body who is party to it "
        "(for example a head of state at a press appearance). True that it was said; "
        "whether it happens is another matter."
    ),
    ClaimStatus.REPORTED: (
        "Carried by an outlet on its own reporting or on the word of unnamed sources "
        '("sources familiar with the meeting"), or read by the outlet into what was '
        "said; not yet established by a second outlet or an official record."
    ),
    ClaimStatus.UNVERIFIED: (
        'Hedged or unattributed ("reportedly", "is said to"), or a single '
        "weak source; not corroborated."
    ),
    ClaimStatus.DENIED: "Publicly denied by a party to it.",
}


class Posture(str, Enum):
    """Whether a claim is about the present, a proposal or the past."""

    CURRENT = "current"
    PROPOSED = "proposed"
    FORMER = "former"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Role(str, Enum):
    """Whether a claim comes from the report being briefed or is background."""

    REPORT = "report"
    CONTEXT = "context"


@dataclass(frozen=True)
class Actor:
    """A subject actor, as the data's ``briefmap.json`` defines it: an id, names and a colour.

    Claims name actors by id; the catalog's :class:`DataMeta` holds the table.
    """

    id: str
    name_en: str
    colour: str  # "#RRGGBB"
    name_ar: str | None = None
    name_ru: str | None = None

    @property
    def label(self) -> str:
        return self.name_en

    @classmethod
    def stand_in(cls, actor_id: str) -> Actor:
        """A grey actor labelled by its id, for an id the data does not define."""
        return cls(actor_id, actor_id, UNKNOWN_ACTOR_COLOUR)


# The colour of an actor id the data does not define (never for valid data).
UNKNOWN_ACTOR_COLOUR = "#555555"


@dataclass(frozen=True)
class Region:
    """A box in WGS84 degrees: where the data's places lie (outside it: ``off_map``)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)."""
        return (self.west, self.south, self.east, self.north)

    @property
    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]], as Leaflet wants it."""
        return [[self.south, self.west], [self.north, self.east]]


# The region of a data set with no places to take one from: all of WGS84.
WORLD = Region(west=-180.0, south=-90.0, east=180.0, north=90.0)


@dataclass(frozen=True)
class DataMeta:
    """What belongs to a data set rather than to the method: from ``briefmap.json``.

    The map page's title and subtitle, the region of interest and the actors
    (ids, names, colours, in the legend's order).
    """

    title: str
    subtitle: str
    region: Region
    actors: tuple[Actor, ...]

    @cached_property
    def actor_table(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id; an unknown id gets a grey stand-in labelled by its id."""
        found = self.actor_table.get(actor_id)
        return found if found is not None else Actor.stand_in(actor_id)


# The title of a data set with no name to take one from.
UNTITLED = "Untitled data"

# The metadata of a catalog built in code without any (a test's, a scratch
# one): untitled, the whole world, no actors. A catalog loaded from files has
# its own, from its briefmap.json or from the data (briefmap.data.meta).
NO_META = DataMeta(title=UNTITLED, subtitle="", region=WORLD, actors=())


class PlaceKind(str, Enum):
    """What sort of place a place is; points are drawn with a symbol per kind."""

    NAVAL_FACILITY = "naval_facility"
    AIR_BASE = "air_base"
    AIRPORT = "airport"
    MILITARY_POST = "military_post"
    CAPITAL = "capital"
    CITY = "city"
    TOWN = "town"
    GOVERNORATE = "governorate"
    REGION = "region"
    BUFFER_ZONE = "buffer_zone"
    MOUNTAIN = "mountain"
    GOVERNMENT_SITE = "government_site"
    # Line places: a route (a patrol, a convoy, a supply road) and a line (of
    # contact, of control, a front): a line claimed, not an area or a site.
    ROUTE = "route"
    LINE = "line"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Precision(str, Enum):
    """How exactly a place's geometry is known."""

    SITE = "site"
    TOWN = "town"
    REGION = "region"

    @property
    def label(self) -> str:
        return PRECISION_LABELS[self]


PRECISION_LABELS: dict[Precision, str] = {
    Precision.SITE: "Site",
    Precision.TOWN: "Town",
    Precision.REGION: "Approximate region",
}

PRECISION_DEFINITIONS: dict[Precision, str] = {
    Precision.SITE: "The installation itself, to within a few hundred metres.",
    Precision.TOWN: (
        "The town or city the reporting names; the exact position inside it is not known."
    ),
    Precision.REGION: (
        "An approximate area (a governorate, a zone), simplified outlines good at "
        "briefing scale, not survey lines."
    ),
}


@dataclass(frozen=True)
class Source:
    """One item a claim was read in: an article, a readout, a broadcast.

    ``outlet`` is who published it, by name ("Reuters"). When nobody can tell,
    ``outlet_known`` is false and ``outlet`` says so in words ("news report,
    outlet not identified"): an outlet is never guessed. ``via`` is where the
    item was read when that is not the outlet itself ("Dawn" carrying a Reuters
    story); it never counts as a second outlet. ``official_of`` marks the
    official record of a party (a government's readout is its country's).
    """

    id: str
    outlet: str
    date: str  # ISO date, YYYY-MM-DD
    url: str | None = None
    title: str | None = None  # what the item is, in Briefmap's words
    outlet_known: bool = True
    via: str | None = None
    official_of: str | None = None  # an actor id

    @property
    def credit(self) -> str:
        """The outlet as a briefer reads it: "Reuters (via Dawn)"."""
        return f"{self.outlet} (via {self.via})" if self.via else self.outlet


# A place's geometry types that are lines (drawn as strokes, never filled).
LINE_GEOMETRIES = frozenset({"LineString", "MultiLineString"})


@dataclass(frozen=True)
class Place:
    """A mapped location: a point, a line (a route, a line of contact) or an outline."""

    id: str
    name_en: str
    kind: PlaceKind
    precision: Precision
    geometry: Any  # shapely geometry, WGS84 lon/lat
    name_ar: str | None = None
    name_ru: str | None = None
    alt_names: tuple[str, ...] = ()
    off_map: bool = False
    note: str | None = None

    @property
    def is_point(self) -> bool:
        return self.geometry.geom_type == "Point"

    @property
    def is_line(self) -> bool:
        """A LineString or MultiLineString: drawn as a stroke, with no fill."""
        return self.geometry.geom_type in LINE_GEOMETRIES

    def search_names(self) -> tuple[str, ...]:
        """Every name a user might type for this place."""
        names = [self.name_en, self.name_ar, self.name_ru, *self.alt_names]
        return tuple(n for n in names if n)


# The date of a history entry whose day no source gives: the last entry only,
# and only to end a claim (posture "former"). The map says "end date unknown".
UNKNOWN_DATE = "unknown"


@dataclass(frozen=True)
class StatusChange:
    """One step in a claim's history: a new status, a new posture, or both."""

    date: str  # ISO date, YYYY-MM-DD, or UNKNOWN_DATE for an end no source dates
    status: ClaimStatus | None = None
    posture: Posture | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()  # source ids for this step, among the claim's own
    editor: str | None = None  # who recorded it in the app's editor, by shown name

    @property
    def dated(self) -> bool:
        return self.date != UNKNOWN_DATE


@dataclass(frozen=True)
class Claim:
    """One thing somebody says about places and actors."""

    id: str
    places: tuple[str, ...]
    actors: tuple[str, ...]  # actor ids, from the catalog's meta
    claimant: str
    status: ClaimStatus
    posture: Posture
    reported: str  # ISO date the claim was reported, YYYY-MM-DD
    summary: str
    attribution: str
    sources: tuple[str, ...]  # source ids, at least one
    role: Role = Role.REPORT
    origin: str | None = None  # place id a proposed deployment would come from
    # Which cited source names the origin, and where it does so (our words):
    # an arrow is drawn only from a base a source names.
    origin_source: str | None = None
    origin_note: str | None = None
    # How status and posture changed since the claim was reported; empty when
    # they never did. ``status`` and ``posture`` above are the latest.
    history: tuple[StatusChange, ...] = ()

    @property
    def end_date_unknown(self) -> bool:
        """The claim ended (became former) on a day no source gives."""
        return bool(self.history) and not self.history[-1].dated


@dataclass(frozen=True)
class Catalog:
    """Validated data: everything the app maps."""

    places: dict[str, Place] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    as_of: str | None = None
    # Title, region of interest and actors (briefmap.json, or taken from the data).
    meta: DataMeta = NO_META

    def claims_at(self, place_id: str) -> list[Claim]:
        return [c for c in self.claims.values() if place_id in c.places]

    @cached_property
    def index(self) -> CatalogIndex:
        """The catalog's index (:mod:`briefmap.engine.index`), built on first use and kept with it.

        (``cached_property`` writes to the instance's ``__dict__``, which a frozen
        dataclass allows; equality and ``replace`` ignore it.)
        """
        from briefmap.engine.index import CatalogIndex

        return CatalogIndex(self)

    def rewound(self, claims: dict[str, Claim], as_of: str | None) -> Catalog:
        """The catalog with other claims on another day: the same places and sources.

        When this catalog's index exists, the new one shares its per-place table
        rather than building it again (an "as of" day changes claims only).
        """
        new = replace(self, claims=claims, as_of=as_of)
        if "index" in self.__dict__:
            new.__dict__["index"] = self.index.for_catalog(new)
        return new


# ------------------------------------------------------------ on disk
# The data folder's files and each record's fields, as written in them.

PLACES_FILE = "places.geojson"
CLAIMS_FILE = "claims.json"
CLAIMS_CSV = "claims.csv"  # the same claims as CSV, in place of claims.json
SOURCES_FILE = "sources.json"
META_FILE = "briefmap.json"  # optional: title, region of interest, actors
DATA_FILES = (PLACES_FILE, CLAIMS_FILE, SOURCES_FILE)

CLAIM_REQUIRED_FIELDS = (
    "id",
    "places",
    "actors",
    "claimant",
    "status",
    "posture",
    "reported",
    "summary",
    "attribution",
    "sources",
)
# "ended" is a one-cell history for a former claim (a CSV has no nested
# history): the day it ended, or "unknown".
CLAIM_OPTIONAL_FIELDS = ("role", "origin", "origin_source", "origin_note", "ended")
CLAIM_FIELDS = (*CLAIM_REQUIRED_FIELDS, *CLAIM_OPTIONAL_FIELDS, "history")
CLAIM_LIST_COLUMNS = ("places", "actors", "sources")
# A CSV has no nested history; every other field is a column.
CLAIM_REQUIRED_COLUMNS = CLAIM_REQUIRED_FIELDS
CLAIM_COLUMNS = (*CLAIM_REQUIRED_FIELDS, *CLAIM_OPTIONAL_FIELDS)
# Until claims could cite several sources, they had one, under "source".
LEGACY_SOURCE_FIELD = "source"
SOURCE_FIELDS = ("id", "outlet", "outlet_known", "title", "via", "official_of", "date", "url")
PLACE_FIELDS = (
    "id",
    "name_en",
    "name_ar",
    "name_ru",
    "alt_names",
    "kind",
    "precision",
    "off_map",
    "note",
)
# A retired record (never deleted: issue 27) carries the day it was retired,
# "retired": "YYYY-MM-DD" (a place in its properties); the loader keeps it out
# of the catalog without calling it an error.
RETIRED_FIELD = "retired"
# "editor": who recorded the step in the app (their shown name), when it was.
HISTORY_FIELDS = ("date", "status", "posture", "note", "sources", "editor")
META_FIELDS = ("title", "subtitle", "region_of_interest", "actors")
REGION_FIELDS = ("west", "south", "east", "north")
ACTOR_FIELDS = ("id", "name_en", "name_ar", "name_ru", "colour")

# GIS files (KML and KMZ, GeoPackage, zipped Shapefile): a row is a place with
# PLACE_FIELDS as columns, and also a claim about it when it has claim columns
# (CLAIM_FIELDS but id, places and history; the claim's id is GIS_CLAIM_ID, else
# the place's). Columns are matched without regard to case, and these other
# names are read as the field they stand for:
GIS_ALIASES = {
    "name": "name_en",  # KML's <name>, and most GIS layers' label column
    "actor": "actors",
    "source": "sources",
    # Shapefile (dBase) cuts column names at ten characters.
    "attributio": "attribution",
    "origin_sou": "origin_source",
    "origin_not": "origin_note",
}
GIS_CLAIM_ID = "claim_id"
# What GDAL's KML drivers give every placemark besides its data: format, not
# data, and not read. A description is a Google Earth balloon (HTML), not a note.
KML_STRUCTURE = (
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudemode",
    "tessellate",
    "extrude",
    "visibility",
    "draworder",
    "icon",
    "snippet",
)
# Briefmap's own drawings in a KML it exported (a proposed deployment's arrow:
# this field "arrow"): pictures of claims its placemarks already carry, not places.
DRAWING_FIELD = "briefmap_drawing"
# A GeoPackage as Briefmap exports it: the places layer, the claims layer (each
# claim on its places' geometry), and the tables of history (one row a step,
# HISTORY_FIELDS with the claim's id under GIS_CLAIM_ID, in order), sources
# (SOURCE_FIELDS) and the data set (GPKG_META_TABLE: key and value rows, "as_of"
# and "meta", briefmap.json's content as JSON).
GPKG_PLACES = "places"
GPKG_CLAIMS = "claims"
GPKG_HISTORY = "history"
GPKG_SOURCES = "sources"
GPKG_META_TABLE = "briefmap"
GPKG_TABLES = (GPKG_CLAIMS, GPKG_HISTORY, GPKG_SOURCES, GPKG_META_TABLE)
