"""Demo manifests: a city council and a few village councils with Persian names.

Deterministic for a seed (random.Random(seed): this is sample data, not a secret). The
names come from evote/data/persian_names.json, a small list written for evote.
"""
import json
import random
from importlib import resources

from ..errors import EvoteTypeError, EvoteValueError
from .model import BallotStyle, Candidate, Contest, District, Manifest, PartyList, Station
from .result_settings import ResultSettings
from .normalize import name_key, to_persian_digits

# The seats/alternates pairs in force for villages (architecture section 2).
VILLAGE_SHAPES = ((3, 2), (5, 3))
EDUCATION_LEVELS = 5  # 1 = diploma ... 5 = doctorate; higher wins a tie


def _names() -> dict:
    text = resources.files("evote").joinpath("data/persian_names.json").read_text("utf-8")
    return json.loads(text)


def _people(rng: random.Random, names: dict, n: int) -> list:
    given = names["given_female"] + names["given_male"]
    out, keys = [], set()
    while len(out) < n:
        name = f"{rng.choice(given)} {rng.choice(names['family'])}"
        if name_key(name) not in keys:
            keys.add(name_key(name))
            out.append(name)
    return out


def _candidates(rng, names, n, code_lo, code_hi, list_codes=()):
    codes = rng.sample(range(code_lo, code_hi), n)
    people = _people(rng, names, n)
    out = []
    for i, (code, name) in enumerate(zip(codes, people)):
        # Everyone but about one in five is on a list when lists exist (independents pool).
        lc = rng.choice(list_codes) if list_codes and rng.random() < 0.8 else None
        out.append(Candidate(code=code, name=name, list_code=lc,
                             attributes={"education": rng.randint(1, EDUCATION_LEVELS)}))
    return tuple(out)


def _int_arg(v, name: str, lo: int) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise EvoteTypeError(f"make_demo_manifest: {name} must be an int")
    if v < lo:
        raise EvoteValueError(f"make_demo_manifest: {name} must be >= {lo}, got {v}")
    return v


def make_demo_manifest(seed: int, n_city_stations: int = 4, n_villages: int = 3, *,
                       authority_key: bytes, stations_per_village: int = 1,
                       city_seats: int = 9, city_alternates: int = 6,
                       city_candidates: int = 50, city_method: str = "plurality",
                       election_id: str = "demo-1405",
                       election_date: str = "2026-06-12",
                       privacy_floor: int = 10, city_encoding=None,
                       mix_servers: tuple = ()) -> Manifest:
    """A demo election: one city (one district, `n_city_stations` stations, a council of
    city_seats/city_alternates among city_candidates) and `n_villages` villages (one
    district and `stations_per_village` stations each; councils alternate 3/2 and 5/3).
    One ballot style per district. city_method="proportional" puts most city candidates on
    four party lists. city_encoding ("per-candidate" or "slots"; None: the default for
    city_candidates) and mix_servers (MixServer, mixing order; needed for slots) are the
    manifest's fields of the same names. The same arguments always give the same manifest
    (and hash)."""
    _int_arg(seed, "seed", 0)
    _int_arg(n_city_stations, "n_city_stations", 1)
    _int_arg(n_villages, "n_villages", 0)
    _int_arg(stations_per_village, "stations_per_village", 1)
    rng = random.Random(seed)
    names = _names()
    districts, stations, contests, styles = [], [], [], []

    def add_district(did, dname, kind, n_stations, contest):
        districts.append(District(did, dname, kind))
        contests.append(contest)
        styles.append(BallotStyle(f"style-{did}", (contest.contest_id,)))
        for k in range(1, n_stations + 1):
            stations.append(Station(f"{did}-st{k:03d}", f"شعبه {to_persian_digits(k)}",
                                    did, f"style-{did}"))

    city = rng.choice(names["city_names"])
    lists = ()
    if city_method == "proportional":
        lists = tuple(PartyList(code, name) for code, name in
                      zip((1, 2, 3, 4), ("فهرست امید", "فهرست پیشرو", "فهرست همبستگی",
                                         "فهرست آبادانی")))
    cands = _candidates(rng, names, city_candidates, 100, 1000, tuple(p.code for p in lists))
    add_district("city-1", city, "city", n_city_stations,
                 Contest(contest_id="council-city-1", name=f"شورای اسلامی شهر {city}",
                         district_id="city-1", seats=city_seats, alternates=city_alternates,
                         max_choices=city_seats, method=city_method, candidates=cands,
                         lists=lists, tie_chain=("education",),
                         # result rules are the manifest's (result_settings.py): a city
                         # candidate needs one vote to win or be an alternate
                         settings=ResultSettings(min_votes=1), encoding=city_encoding))
    used = {name_key(city)}
    for v in range(1, n_villages + 1):
        while True:
            vname = f"{rng.choice(names['village_prefixes'])} {rng.choice(names['village_names'])}"
            if len(used) > 40:  # the combinations run out: number them
                vname = f"{vname} {to_persian_digits(v)}"
            if name_key(vname) not in used:
                used.add(name_key(vname))
                break
        seats, alternates = VILLAGE_SHAPES[(v - 1) % len(VILLAGE_SHAPES)]
        n = seats + alternates + rng.randint(1, 4)
        did = f"village-{v:03d}"
        add_district(did, vname, "village", stations_per_village,
                     Contest(contest_id=f"council-{did}", name=f"شورای اسلامی روستای {vname}",
                             district_id=did, seats=seats, alternates=alternates,
                             max_choices=seats, method="plurality",
                             candidates=_candidates(rng, names, n, 10, 100),
                             tie_chain=("education",)))
    return Manifest(election_id=election_id,
                    name="انتخابات شوراهای اسلامی شهر و روستا (نمونه)",
                    election_date=election_date, districts=tuple(districts),
                    stations=tuple(stations), contests=tuple(contests), styles=tuple(styles),
                    authority_key=authority_key, privacy_floor=privacy_floor,
                    mix_servers=tuple(mix_servers))
