#!/usr/bin/env python3
"""Reference implementation of docs/draws.md, protocol sunshine-draw/1.

Written from that page alone, in Python 3.11 with the standard library only, so that anyone can
re-run a published draw of 阳光低保 without trusting the site's own code. Section numbers (§) refer
to docs/draws.md.

Usage:
  draws_reference.py verify FILE.json [FILE.json ...]
      Re-run published draws. Prints "✓ ..." per file and exits 0 when every file is exactly the
      result of its inputs; otherwise prints where it differs and exits 1.
  draws_reference.py draw FILE.json [--randomness VALUE]
      Print the draw computed from the file's inputs: pool hash, and with a randomness value (given
      here or in the file) the seed and the selection, as JSON.
  draws_reference.py vectors [DIR]
      Check the known-answer vectors of §9 (generator, seed, and every DIR/*.json; default: the
      draws/ folder beside this script).
  draws_reference.py batch
      JSON lines in (draw files, "randomness" optional), JSON lines out: {"pool_hash", "seed",
      "selected"} or {"refused": code} or {"bad_randomness": true} or {"malformed": message}.
      Used by the Rust tests to compare the two implementations.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from pathlib import Path

ALGORITHM = "sunshine-draw/1"
TOKEN_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-")


class Malformed(Exception):
    """The file is not a draw file (§4, last paragraph)."""


class Refused(Exception):
    """The inputs would be refused at announcement (§4); args[0] is the code."""


class BadRandomness(Exception):
    """The randomness value does not have the announced format (§3.3)."""


# --- §2 basic types ---------------------------------------------------------------------------

def is_token(s) -> bool:
    return isinstance(s, str) and 1 <= len(s) <= 64 and all(c in TOKEN_CHARS for c in s)


def is_text(s, maximum: int) -> bool:
    if not isinstance(s, str) or not 1 <= len(s) <= maximum:
        return False
    return not any(ord(c) <= 0x1F or 0x7F <= ord(c) <= 0x9F for c in s)


def u32be(n: int) -> bytes:
    return struct.pack(">I", n)


def u64be(n: int) -> bytes:
    return struct.pack(">Q", n)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- reading the file (§8) ------------------------------------------------------------------------

def _obj(value, required: set[str], optional: set[str], where: str) -> dict:
    if not isinstance(value, dict):
        raise Malformed(f"{where}: not an object")
    missing = required - value.keys()
    if missing:
        raise Malformed(f"{where}: missing {sorted(missing)}")
    unknown = value.keys() - required - optional
    if unknown:
        raise Malformed(f"{where}: unknown field(s) {sorted(unknown)}")
    return value


def _str(value, where: str) -> str:
    if not isinstance(value, str):
        raise Malformed(f"{where}: not a string")
    return value


def _int(value, where: str) -> int:
    # bool is a subclass of int in Python; JSON true is not an integer.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise Malformed(f"{where}: not an integer from 0 to 2^32-1")
    return value


def _bool(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise Malformed(f"{where}: not true/false")
    return value


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise Malformed(f"{where}: not a list")
    return value


def read_inputs(f) -> dict:
    """The announced inputs of a draw file, type-checked (not yet validated against §4)."""
    f = _obj(
        f,
        {"algorithm", "draw_id", "purpose", "randomness_source", "randomness_format", "pool_hash"},
        {"panel", "spot_check", "randomness", "seed", "selected"},
        "file",
    )
    d = {k: _str(f[k], k) for k in
         ("algorithm", "draw_id", "purpose", "randomness_source", "randomness_format")}
    _str(f["pool_hash"], "pool_hash")
    for k in ("randomness", "seed"):
        if f.get(k) is not None:
            _str(f[k], k)
    if f.get("selected") is not None:
        for i, s in enumerate(_list(f["selected"], "selected")):
            s = _obj(s, {"id", "reason"}, set(), f"selected[{i}]")
            _str(s["id"], f"selected[{i}].id")
            if s["reason"] not in ("cadre", "leader", "substitute", "random", "near_relative"):
                raise Malformed(f"selected[{i}].reason: unknown reason {s['reason']!r}")
    panel, spot = f.get("panel"), f.get("spot_check")
    if (panel is None) == (spot is None):
        raise Malformed('a draw file has exactly one of "panel" and "spot_check"')
    if panel is not None:
        panel = _obj(panel, {"panel_size", "min_cadres", "groups", "pool"}, set(), "panel")
        pool = []
        for i, m in enumerate(_list(panel["pool"], "pool")):
            w = f"pool[{i}]"
            m = _obj(m, {"id", "name", "stratum", "near_relative"}, {"group"}, w)
            stratum = _str(m["stratum"], w + ".stratum")
            if stratum not in ("cadre", "leader", "resident"):
                raise Malformed(f"{w}.stratum: unknown stratum {stratum!r}")
            group = m.get("group")
            pool.append({
                "id": _str(m["id"], w + ".id"),
                "name": _str(m["name"], w + ".name"),
                "stratum": stratum,
                "group": None if group is None else _str(group, w + ".group"),
                "near_relative": _bool(m["near_relative"], w + ".near_relative"),
            })
        d["kind"] = "panel"
        d["panel_size"] = _int(panel["panel_size"], "panel_size")
        d["min_cadres"] = _int(panel["min_cadres"], "min_cadres")
        d["groups"] = [_str(g, "groups[]") for g in _list(panel["groups"], "groups")]
        d["pool"] = pool
    else:
        spot = _obj(spot, {"rate_percent", "entries"}, set(), "spot_check")
        entries = []
        for i, e in enumerate(_list(spot["entries"], "entries")):
            w = f"entries[{i}]"
            e = _obj(e, {"ref", "near_relative"}, set(), w)
            entries.append({"ref": _str(e["ref"], w + ".ref"),
                            "near_relative": _bool(e["near_relative"], w + ".near_relative")})
        d["kind"] = "spot_check"
        d["rate_percent"] = _int(spot["rate_percent"], "rate_percent")
        d["entries"] = entries
    return d


def parse_json(text: str):
    """JSON where an object with a repeated key is malformed (§8), not "last one wins"."""
    def no_repeats(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise Malformed("an object repeats a key")
        return dict(pairs)
    try:
        return json.loads(text, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as e:
        raise Malformed(f"not JSON: {e}") from None


# --- §3.3 and §4: checks at announcement ------------------------------------------------------------

def parse_format(s: str):
    """(kind, N) for 'digits:N', 'dice:N' or 'hex:N', else None."""
    kind, sep, n = s.partition(":")
    if not sep or kind not in ("digits", "dice", "hex"):
        return None
    if not n or n[0] == "0" or not all(c in "0123456789" for c in n):
        return None
    if not 1 <= int(n) <= 256:
        return None
    return kind, int(n)


FORMAT_CHARS = {"digits": "0123456789", "dice": "123456", "hex": "0123456789abcdef"}


def announce(d: dict) -> dict:
    """Runs the checks of §4 in order; returns the inputs with everything sorted."""
    if not is_token(d["draw_id"]):
        raise Refused("bad_draw_id")
    if not is_text(d["purpose"], 200):
        raise Refused("bad_purpose")
    if not is_text(d["randomness_source"], 200):
        raise Refused("bad_randomness_source")
    if parse_format(d["randomness_format"]) is None:
        raise Refused("bad_randomness_format")
    d = dict(d)
    if d["kind"] == "panel":
        pool = d["pool"]
        if len(pool) > 10_000:
            raise Refused("pool_too_large")
        pool = sorted(pool, key=lambda m: m["id"])
        for m in pool:
            if not is_token(m["id"]) or not is_text(m["name"], 40):
                raise Refused("bad_member")
            if m["group"] is not None and not is_token(m["group"]):
                raise Refused("bad_member")
            if (m["stratum"] == "cadre") != (m["group"] is None):
                raise Refused("bad_member")
        ids = [m["id"] for m in pool]
        if len(set(ids)) != len(ids):
            raise Refused("duplicate_member")
        if len(pool) < 30:
            raise Refused("pool_too_small")
        if d["panel_size"] < 9:
            raise Refused("bad_panel_size")
        if d["min_cadres"] < 2:
            raise Refused("bad_min_cadres")
        groups = sorted(d["groups"])
        if not groups or not all(is_token(g) for g in groups) or len(set(groups)) != len(groups):
            raise Refused("bad_groups")
        leader_groups = [m["group"] for m in pool if m["stratum"] == "leader"]
        if len(set(leader_groups)) != len(leader_groups):
            raise Refused("two_leaders")
        eligible = [m for m in pool if not m["near_relative"]]
        if sum(1 for m in eligible if m["stratum"] == "cadre") < d["min_cadres"]:
            raise Refused("too_few_cadres")
        for g in groups:
            if not any(m["group"] == g for m in eligible):
                raise Refused("group_without_member")
        if d["min_cadres"] + len(groups) > d["panel_size"]:
            raise Refused("panel_too_small")
        if len(eligible) < d["panel_size"]:
            raise Refused("too_few_eligible")
        d["pool"], d["groups"] = pool, groups
    else:
        entries = d["entries"]
        if len(entries) > 100_000:
            raise Refused("too_many_entries")
        entries = sorted(entries, key=lambda e: e["ref"])
        if not all(is_token(e["ref"]) for e in entries):
            raise Refused("bad_entry")
        refs = [e["ref"] for e in entries]
        if len(set(refs)) != len(refs):
            raise Refused("duplicate_entry")
        if not entries:
            raise Refused("no_entries")
        if not 30 <= d["rate_percent"] <= 100:
            raise Refused("bad_rate")
        d["entries"] = entries
    return d


# --- §5 pool hash ------------------------------------------------------------------------------------

def canonical_snapshot(d: dict) -> bytes:
    lines = [
        ["kind", d["kind"]],
        ["purpose", d["purpose"]],
        ["randomness_source", d["randomness_source"]],
        ["randomness_format", d["randomness_format"]],
    ]
    if d["kind"] == "panel":
        lines.append(["panel_size", str(d["panel_size"])])
        lines.append(["min_cadres", str(d["min_cadres"])])
        lines += [["group", g] for g in d["groups"]]
        lines += [["member", m["id"], m["stratum"], m["group"] or "",
                   "1" if m["near_relative"] else "0", m["name"]] for m in d["pool"]]
    else:
        lines.append(["rate_percent", str(d["rate_percent"])])
        lines += [["entry", e["ref"], "1" if e["near_relative"] else "0"] for e in d["entries"]]
    return "".join("\t".join(fields) + "\n" for fields in lines).encode("utf-8")


def pool_hash(d: dict) -> bytes:
    return sha256(canonical_snapshot(d))


# --- §6 seed and generator -------------------------------------------------------------------------

def check_randomness(fmt: str, value: str) -> str:
    kind, n = parse_format(fmt)
    if len(value) != n or not all(c in FORMAT_CHARS[kind] for c in value):
        raise BadRandomness(f"the randomness must be exactly {n} characters of {FORMAT_CHARS[kind]}")
    return value


def seed(pool_hash_bytes: bytes, randomness: str, draw_id: str, version: str = ALGORITHM) -> bytes:
    data = pool_hash_bytes
    for part in (randomness, draw_id, version):
        b = part.encode("ascii")
        data += u32be(len(b)) + b
    return sha256(data)


class Generator:
    def __init__(self, seed_bytes: bytes):
        self.seed = seed_bytes
        self.counter = 0
        self.buffer = b""

    def word(self) -> int:
        if not self.buffer:
            self.buffer = sha256(self.seed + u64be(self.counter))
            self.counter += 1
        w, self.buffer = self.buffer[:4], self.buffer[4:]
        return int.from_bytes(w, "big")

    def uniform(self, n: int) -> int:
        limit = 2**32 - (2**32 % n)
        while True:
            x = self.word()
            if x < limit:
                return x % n

    def choose(self, items: list, k: int) -> list:
        a = list(items)
        for i in range(k):
            j = i + self.uniform(len(a) - i)
            a[i], a[j] = a[j], a[i]
        return a[:k]


# --- §7 selection -----------------------------------------------------------------------------------

def select(d: dict, gen: Generator) -> list[dict]:
    selected = []
    if d["kind"] == "panel":
        eligible = [m for m in d["pool"] if not m["near_relative"]]
        cadres = [m for m in eligible if m["stratum"] == "cadre"]
        selected += [{"id": m["id"], "reason": "cadre"} for m in gen.choose(cadres, d["min_cadres"])]
        for g in d["groups"]:
            leaders = [m for m in eligible if m["stratum"] == "leader" and m["group"] == g]
            if leaders:
                selected.append({"id": leaders[0]["id"], "reason": "leader"})
            else:
                residents = [m for m in eligible if m["stratum"] == "resident" and m["group"] == g]
                selected += [{"id": m["id"], "reason": "substitute"} for m in gen.choose(residents, 1)]
        taken = {s["id"] for s in selected}
        rest = [m for m in eligible if m["id"] not in taken]
        k = d["panel_size"] - len(selected)
        selected += [{"id": m["id"], "reason": "random"} for m in gen.choose(rest, k)]
    else:
        selected += [{"id": e["ref"], "reason": "near_relative"}
                     for e in d["entries"] if e["near_relative"]]
        rest = [e for e in d["entries"] if not e["near_relative"]]
        k = (d["rate_percent"] * len(rest) + 99) // 100
        selected += [{"id": e["ref"], "reason": "random"} for e in gen.choose(rest, k)]
    return selected


def run(d: dict, randomness: str | None) -> dict:
    """Pool hash, and with randomness the seed and the selection, of checked inputs."""
    out = {"pool_hash": pool_hash(d).hex()}
    if randomness is not None:
        check_randomness(d["randomness_format"], randomness)
        s = seed(bytes.fromhex(out["pool_hash"]), randomness, d["draw_id"])
        out["seed"] = s.hex()
        out["selected"] = select(d, Generator(s))
    return out


# --- §8 verifying a file -----------------------------------------------------------------------------

def _show(item) -> str:
    if item is None:
        return "nothing (the list ends)"
    if isinstance(item, dict) and set(item) == {"id", "reason"}:
        return f"{item['id']} ({item['reason']})"
    return json.dumps(item, ensure_ascii=False)


def verify(f) -> str:
    """Returns a one-line success message, or raises ValueError saying where the file differs."""
    try:
        raw = read_inputs(f)
    except Malformed as e:
        raise ValueError(f"not a draw file: {e}") from None
    if raw["algorithm"] != ALGORITHM:
        raise ValueError(f"algorithm {raw['algorithm']!r} is not {ALGORITHM}")
    try:
        d = announce(raw)
    except Refused as e:
        raise ValueError(f"these inputs would have been refused at announcement: {e.args[0]}") from None
    computed = pool_hash(d).hex()
    if f["pool_hash"] != computed:
        raise ValueError(f"pool_hash: the file says {f['pool_hash']}, the inputs give {computed}")
    published = {k: f.get(k) for k in ("randomness", "seed", "selected")}
    present = [v is not None for v in published.values()]
    if not any(present):
        return f"✓ announcement {d['draw_id']}: pool hash {computed} is that of its inputs"
    if not all(present):
        raise ValueError("a drawn file has all of randomness, seed and selected; an announcement none")
    try:
        got = run(d, _str(published["randomness"], "randomness"))
    except (BadRandomness, Malformed) as e:
        raise ValueError(f"randomness: {e}") from None
    if published["seed"] != got["seed"]:
        raise ValueError(f"seed: the file says {published['seed']}, the inputs give {got['seed']}")
    file_sel = _list(published["selected"], "selected")
    for i in range(max(len(file_sel), len(got["selected"]))):
        a = file_sel[i] if i < len(file_sel) else None
        b = got["selected"][i] if i < len(got["selected"]) else None
        if a != b:
            raise ValueError(f"selected[{i}]: the file says {_show(a)}, the inputs give {_show(b)}")
    ids = ", ".join(s["id"] for s in got["selected"])
    return (f"✓ draw {d['draw_id']} ({d['kind']}): the published result is the only result of its "
            f"inputs — seed {got['seed']}; selected {ids}")


# --- §9 known-answer vectors --------------------------------------------------------------------------

def check_vectors(folder: Path) -> int:
    failures = 0

    def expect(what, got, want):
        nonlocal failures
        ok = got == want
        failures += not ok
        print(("✓ " if ok else "✗ ") + what + ("" if ok else f": got {got}, want {want}"))

    g = Generator(bytes(range(32)))
    expect("§9.1 block(0)", sha256(bytes(range(32)) + u64be(0)).hex(),
           "a9d6e500293a88bd38cbe213d07ab71f8cb2258552072a01bdf1c40be527f4d0")
    expect("§9.1 words", [g.word() for _ in range(8)],
           [2849432832, 691701949, 952885779, 3497703199, 2360485253, 1376201217, 3186738187,
            3844601040])
    g = Generator(bytes(range(32)))
    expect("§9.1 uniform(10)", [g.uniform(10) for _ in range(8)], [2, 9, 9, 9, 3, 7, 7, 0])
    g = Generator(bytes(range(32)))
    expect("§9.1 uniform(3·2^30)", [g.uniform(3 * 2**30) for _ in range(8)],
           [2849432832, 691701949, 952885779, 2360485253, 1376201217, 3186738187, 1617019960,
            1836717960])
    expect("§9.1 words read", g.counter * 8 - len(g.buffer) // 4, 10)
    expect("§9.2 seed", seed(bytes(32), "12345678", "D1").hex(),
           "d9d7ebae3ba84148f714c57760e29eb84c8b2e65a829245f904b6c090fa63bbe")
    for path in sorted(folder.glob("*.json")):
        try:
            verify(parse_json(path.read_text(encoding="utf-8")))
            expect(f"§9.3 {path.name}", True, True)
        except (ValueError, Malformed) as e:
            expect(f"§9.3 {path.name}", str(e), "verified")
    return failures


# --- command line ----------------------------------------------------------------------------------

def batch() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            f = parse_json(line)
            d = announce(read_inputs(f))
            out = run(d, f.get("randomness"))
        except Malformed as e:
            out = {"malformed": str(e)}
        except Refused as e:
            out = {"refused": e.args[0]}
        except BadRandomness:
            out = {"bad_randomness": True}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "verify":
        status = 0
        for name in argv[1:]:
            try:
                print(verify(parse_json(Path(name).read_text(encoding="utf-8"))))
            except (OSError, UnicodeDecodeError) as e:
                print(f"✗ {name}: cannot read: {e}")
                status = 1
            except Malformed as e:
                print(f"✗ {name}: not a draw file: {e}")
                status = 1
            except ValueError as e:
                print(f"✗ {name}: {e}")
                status = 1
        return status
    if len(argv) in (2, 4) and argv[0] == "draw":
        try:
            f = parse_json(Path(argv[1]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, Malformed) as e:
            print(f"cannot read {argv[1]}: {e}", file=sys.stderr)
            return 1
        randomness = f.get("randomness") if isinstance(f, dict) else None
        if len(argv) == 4:
            if argv[2] != "--randomness":
                print(__doc__, file=sys.stderr)
                return 2
            randomness = argv[3]
        try:
            d = announce(read_inputs(f))
            print(json.dumps(run(d, randomness), ensure_ascii=False, indent=2))
        except Malformed as e:
            print(f"not a draw file: {e}", file=sys.stderr)
            return 1
        except Refused as e:
            print(f"refused at announcement: {e.args[0]}", file=sys.stderr)
            return 1
        except BadRandomness as e:
            print(f"randomness: {e}", file=sys.stderr)
            return 1
        return 0
    if len(argv) in (1, 2) and argv[0] == "vectors":
        folder = Path(argv[1]) if len(argv) == 2 else Path(__file__).resolve().parent / "draws"
        return 1 if check_vectors(folder) else 0
    if argv == ["batch"]:
        batch()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
