"""The trained model as bytes, in a safe format, and back.

A model is a zip archive holding exactly two members:

- ``model.json``: the format tag (:data:`FORMAT`), the training settings, the terms (the
  vocabulary, in feature order), each head (name, dimension, codes and their paths,
  binary or multiclass, unit, threshold, calibration) and the SHA-256 of the other member;
- ``arrays.npz``: numbers only, float32 — ``idf`` (one per term), ``coef_<k>`` (classes ×
  terms) and ``intercept_<k>`` (classes) of head k.

Nothing is ever unpickled (``np.load(allow_pickle=False)``), and no array is read before
its size is known to fit: the arrays' members may unpack to no more than the terms and heads
of ``model.json`` need, and each array's head may claim no more numbers than its member holds
(a few kilobytes of deflated zeros are no way to fill the memory). :func:`load` checks the whole
archive's SHA-256 against the one stored beside it, the members, their sizes, the tag, the
arrays' checksum, every field's type, every array's dtype, shape and finiteness, and refuses
anything else — a pickle, random bytes, a truncated archive, JSON of another shape — with
one line (:class:`ModelFileError`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.domain.errors import UserError
from annotator.services.machine.features import Vectorizer
from annotator.services.machine.learner import ARTICLE, SENTENCE, Head, Model, Settings

__all__ = ["FORMAT", "ModelFileError", "dump", "load", "sha256"]

FORMAT = "annotator-classifier/1"
MEMBERS = ("model.json", "arrays.npz")
#: The most a member may hold once uncompressed (a model of 100,000 terms and a hundred
#: codes is some 40 MB).
MAX_MEMBER_BYTES = 512 * 1024 * 1024


class ModelFileError(UserError):
    """A stored model that is not one annotator made, or was changed since."""


class _Bad(Exception):
    """Why a model is refused (turned into one line by :func:`load`)."""


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def dump(model: Model) -> bytes:
    """The model as a zip archive of JSON and float32 arrays (deterministic bytes)."""
    arrays: dict[str, NDArray[np.float32]] = {
        "idf": np.asarray(model.vectorizer.idf, dtype=np.float32)
    }
    heads = []
    for k, head in enumerate(model.heads):
        arrays[f"coef_{k}"] = np.asarray(head.coef, dtype=np.float32)
        arrays[f"intercept_{k}"] = np.asarray(head.intercept, dtype=np.float32)
        heads.append(
            {
                "name": head.name,
                "dimension": head.dimension,
                "codes": list(head.codes),
                "paths": list(head.paths),
                "multiclass": head.multiclass,
                "unit": head.unit,
                "cut": None if math.isinf(head.cut) else head.cut,
                "scale": head.scale,
                "shift": head.shift,
            }
        )
    array_bytes = _stable_zip({f"{name}.npy": _npy(array) for name, array in arrays.items()})
    document = {
        "format": FORMAT,
        "settings": model.settings.as_dict(),
        "terms": list(model.vectorizer.terms),
        "heads": heads,
        "arrays_sha256": sha256(array_bytes),
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _stable_zip({"model.json": text, "arrays.npz": array_bytes})


def _stable_zip(members: Mapping[str, bytes]) -> bytes:
    """A zip archive of ``members`` with fixed times, so equal models give equal bytes (an
    archive of ``.npy`` members is what ``np.load`` reads as ``.npz``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _npy(array: NDArray[np.float32]) -> bytes:
    """One array in NumPy's own format (what ``np.savez`` puts in its archive)."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def load(blob: bytes, expected_sha256: str | None = None, *, what: str = "the model") -> Model:
    """The model in ``blob``; refused in one line (:class:`ModelFileError`, naming
    ``what``) unless it is exactly what :func:`dump` makes, unchanged."""
    try:
        return _load(blob, expected_sha256)
    except _Bad as problem:
        raise ModelFileError(f"{what} is refused: {problem}") from None


def _load(blob: bytes, expected: str | None) -> Model:
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise _Bad("it is not bytes")
    blob = bytes(blob)
    if expected is not None and sha256(blob) != expected:
        raise _Bad("its SHA-256 differs from the one recorded when it was trained (changed since)")
    members = _members(blob)
    document = _json(members["model.json"])
    if document.get("format") != FORMAT:
        found = document.get("format")
        raise _Bad(
            f"format {str(found)[:40]!r} is not {FORMAT}"
            if isinstance(found, str)
            else f"it is not an annotator classifier model ({FORMAT})"
        )
    if sha256(members["arrays.npz"]) != document.get("arrays_sha256"):
        raise _Bad("its arrays differ from the checksum it records")
    settings = _settings(document.get("settings"))
    terms = document.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise _Bad("its terms are not a list of text")
    if len(set(terms)) != len(terms):
        raise _Bad("a term is listed twice")
    if not all(t and all(t.split(" ")) and t.count(" ") <= 1 for t in terms):
        raise _Bad("a term is not a word or two words")
    heads_data = document.get("heads")
    if not isinstance(heads_data, list) or not heads_data:
        raise _Bad("it holds no classifier (heads)")
    names = {"idf"} | {
        f"{kind}_{k}" for k in range(len(heads_data)) for kind in ("coef", "intercept")
    }
    arrays = _arrays(members["arrays.npz"], names, _array_budget(len(terms), heads_data))
    idf = arrays["idf"]
    if idf.shape != (len(terms),):
        raise _Bad(f"idf has shape {idf.shape}, not ({len(terms)},)")
    heads = tuple(
        _head(data, arrays[f"coef_{k}"], arrays[f"intercept_{k}"], len(terms))
        for k, data in enumerate(heads_data)
    )
    return Model(settings, Vectorizer(settings.features, terms, idf), heads)


def _members(blob: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            infos = archive.infolist()
            names = sorted(info.filename for info in infos)
            if names != sorted(MEMBERS):
                raise _Bad(
                    f"it holds {', '.join(names[:4]) or 'nothing'}, not {' and '.join(MEMBERS)}"
                )
            for info in infos:
                if info.file_size > MAX_MEMBER_BYTES:
                    raise _Bad(f"{info.filename} is too large ({info.file_size:,} bytes)")
            return {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise _Bad(f"it is not a model archive ({type(error).__name__})") from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise _Bad("it is not a model archive (unknown compression)") from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise _Bad("it is not a model archive (encrypted)") from None


def _json(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Bad("model.json is not JSON") from None
    if not isinstance(document, dict):
        raise _Bad("model.json is not a JSON object")
    return document


#: What an array's member may hold beside its numbers (the npy head, some 128 bytes).
_ARRAY_HEAD_BYTES = 4096


def _array_budget(terms: int, heads: list[Any]) -> int:
    """The most the arrays of a model of ``terms`` terms and these heads (as model.json
    gives them, not yet checked) can take unpacked: float32 idf, coefficients and
    intercepts, a class per code and one more, and a head per member."""
    numbers = terms
    for head in heads:
        codes = head.get("codes") if isinstance(head, dict) else None
        classes = len(codes) + 1 if isinstance(codes, list) else 1
        numbers += classes * (terms + 1)
    return 4 * numbers + _ARRAY_HEAD_BYTES * (1 + 2 * len(heads))


def _check_sizes(data: bytes, budget: int) -> None:
    """Refuse arrays that would take more than ``budget`` bytes unpacked, or an array whose
    head claims more numbers than its member holds, before any array is read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > budget:
            raise _Bad(
                f"arrays.npz unpacks to {total:,} bytes, more than its terms and heads "
                f"need ({budget:,})"
            )
        for info in infos:
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                else:
                    raise _Bad(f"{info.filename} is an npy file of version {version}")
            if math.prod(shape) * dtype.itemsize > info.file_size:
                raise _Bad(f"{info.filename} claims more numbers than it holds")


def _arrays(data: bytes, names: set[str], budget: int) -> dict[str, NDArray[np.float32]]:
    try:
        _check_sizes(data, budget)
        with np.load(io.BytesIO(data), allow_pickle=False) as found:
            if set(found.files) != names:
                raise _Bad("arrays.npz holds other arrays than its heads need")
            arrays = {name: found[name] for name in names}
    except _Bad:
        raise
    except (
        ValueError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        NotImplementedError,  # an unknown compression
        RuntimeError,  # an encrypted member
    ) as error:
        raise _Bad(f"arrays.npz cannot be read ({type(error).__name__})") from None
    for name, array in arrays.items():
        if array.dtype != np.float32:
            raise _Bad(f"array {name} is {array.dtype}, not float32")
        if not np.isfinite(array).all():
            raise _Bad(f"array {name} holds a value that is not a finite number")
    return arrays


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Bad(f"{what} is not a finite number")
    return float(value)


def _integer(value: object, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _Bad(f"{what} is not a whole number of at least {low}")
    return value


def _settings(data: object) -> Settings:
    if not isinstance(data, dict):
        raise _Bad("its settings are not a JSON object")
    wanted = ("ngram_min", "ngram_max", "min_df", "max_features", "folds", "seed")
    for key in wanted:
        _integer(data.get(key), f"setting {key}", 0 if key == "seed" else 1)
    _number(data.get("c"), "setting c")
    if data["ngram_min"] > data["ngram_max"] or data["ngram_max"] > 5:
        raise _Bad("its n-gram range is not one annotator trains")
    return Settings.of(data)


def _head(
    data: object, coef: NDArray[np.float32], intercept: NDArray[np.float32], terms: int
) -> Head:
    if not isinstance(data, dict):
        raise _Bad("a head is not a JSON object")
    name = data.get("name")
    if not isinstance(name, str):
        raise _Bad("a head has no name")
    codes = data.get("codes")
    if not isinstance(codes, list) or not codes:
        raise _Bad(f"head {name!r} has no codes")
    code_ids = tuple(_integer(c, f"a code of head {name!r}", 1) for c in codes)
    paths = data.get("paths")
    if (
        not isinstance(paths, list)
        or len(paths) != len(codes)
        or not all(isinstance(p, str) for p in paths)
    ):
        raise _Bad(f"head {name!r} does not give a path per code")
    multiclass = data.get("multiclass")
    if not isinstance(multiclass, bool) or (not multiclass and len(codes) != 1):
        raise _Bad(f"head {name!r} is neither binary (one code) nor multiclass")
    unit = data.get("unit")
    if unit not in (SENTENCE, ARTICLE):
        raise _Bad(f"head {name!r} has an unknown unit")
    classes = len(codes) + 1 if multiclass else 1
    if coef.shape != (classes, terms):
        raise _Bad(f"head {name!r}: coefficients of shape {coef.shape}, not ({classes}, {terms})")
    if intercept.shape != (classes,):
        raise _Bad(f"head {name!r}: intercepts of shape {intercept.shape}, not ({classes},)")
    cut = data.get("cut")
    return Head(
        name=name,
        dimension=_integer(data.get("dimension"), f"the dimension of head {name!r}", 1),
        codes=code_ids,
        paths=tuple(paths),
        multiclass=multiclass,
        unit=str(unit),
        coef=coef,
        intercept=intercept,
        cut=math.inf if cut is None else _number(cut, f"the threshold of head {name!r}"),
        scale=_number(data.get("scale"), f"the calibration of head {name!r}"),
        shift=_number(data.get("shift"), f"the calibration of head {name!r}"),
    )
