"""The trained model's safe format: the same bytes for the same model, a round trip that
codes alike, and one-line refusals of anything else (a pickle, random bytes, a truncated or
foreign archive, JSON of the wrong shape, arrays of the wrong type or shape)."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from annotator.services.machine import model_file
from annotator.services.machine.learner import Model, predict, train
from annotator.services.machine.model_file import FORMAT, ModelFileError, dump, load, sha256
from tests.services.machine_corpus import make


@pytest.fixture(scope="module")
def model() -> Model:
    return train(make(80, seed=8).corpus()).model


@pytest.fixture(scope="module")
def blob(model: Model) -> bytes:
    return dump(model)


def _members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_json(blob: bytes, change: dict[str, object]) -> bytes:
    members = _members(blob)
    document = json.loads(members["model.json"])
    document.update(change)
    members["model.json"] = json.dumps(document).encode()
    return _zip(members)


def _with_arrays(blob: bytes, arrays: dict[str, np.ndarray]) -> bytes:
    members = _members(blob)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    members["arrays.npz"] = buffer.getvalue()
    document = json.loads(members["model.json"])
    document["arrays_sha256"] = sha256(members["arrays.npz"])
    members["model.json"] = json.dumps(document).encode()
    return _zip(members)


def _arrays(blob: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(_members(blob)["arrays.npz"]), allow_pickle=False) as found:
        return {name: found[name] for name in found.files}


def test_a_model_comes_back_and_codes_alike(model: Model, blob: bytes) -> None:
    assert dump(model) == blob  # the same model, the same bytes (and checksum)
    again = load(blob, sha256(blob))
    assert again.vectorizer.terms == model.vectorizer.terms
    assert [h.codes for h in again.heads] == [h.codes for h in model.heads]
    fresh = make(20, seed=30, first_id=500).documents
    assert predict(again, fresh) == predict(model, fresh)
    assert set(_members(blob)) == {"model.json", "arrays.npz"}
    assert json.loads(_members(blob)["model.json"])["format"] == FORMAT


def _refused(blob: bytes, match: str, expected: str | None = None) -> None:
    with pytest.raises(ModelFileError, match=match) as caught:
        load(blob, expected, what="the model of machine 'm'")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("the model of machine 'm' is refused: ")


def test_a_pickle_is_refused_and_never_unpickled(
    model: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_: object, **__: object) -> None:
        raise AssertionError("unpickled")

    monkeypatch.setattr(pickle, "loads", never)
    monkeypatch.setattr(pickle, "load", never)
    _refused(pickle.dumps({"format": FORMAT}), "not a model archive")


def test_random_and_truncated_bytes_are_refused(blob: bytes) -> None:
    _refused(np.random.default_rng(0).bytes(4000), "not a model archive")
    _refused(blob[: len(blob) // 2], "not a model archive")
    _refused(b"", "not a model archive")


def test_a_changed_model_is_refused_by_its_checksum(blob: bytes) -> None:
    _refused(blob, "SHA-256 differs", expected=sha256(blob + b"x"))


def test_foreign_archives_and_json_are_refused(blob: bytes) -> None:
    _refused(_zip({"model.json": b"{}"}), "not model.json and arrays.npz")
    _refused(_zip({**_members(blob), "extra.py": b"print(1)"}), "arrays.npz")
    _refused(_with_json(blob, {"format": "sklearn-pickle/1"}), "format 'sklearn-pickle/1'")
    _refused(_with_json(blob, {"format": 7}), "not an annotator classifier model")
    members = _members(blob)
    _refused(_zip({**members, "model.json": b"[1, 2]"}), "not a JSON object")
    _refused(_zip({**members, "model.json": b"\xff\xfe"}), "not JSON")
    _refused(_with_json(blob, {"terms": "abc"}), "terms are not a list")
    terms = json.loads(members["model.json"])["terms"]
    _refused(_with_json(blob, {"terms": ["a  b", *terms[1:]]}), "a word or two words")
    _refused(_with_json(blob, {"terms": [terms[1], *terms[1:]]}), "listed twice")
    _refused(_with_json(blob, {"heads": []}), "no classifier")
    _refused(_with_json(blob, {"settings": {"c": 1}}), "setting")
    first, *rest = json.loads(members["model.json"])["heads"]
    _refused(_with_json(blob, {"heads": [{**first, "unit": "word"}, *rest]}), "unknown unit")
    _refused(_with_json(blob, {"heads": [{**first, "scale": "1"}, *rest]}), "not a finite number")
    _refused(_with_json(blob, {"heads": [{**first, "codes": [0]}, *rest]}), "whole number")
    _refused(_with_json(blob, {"heads": rest}), "other arrays")


def test_arrays_of_the_wrong_kind_are_refused(blob: bytes) -> None:
    arrays = _arrays(blob)
    _refused(_zip({**_members(blob), "arrays.npz": b"junk"}), "differ from the checksum")
    objects = {**arrays, "idf": np.array([{"a": 1}], dtype=object)}
    _refused(_with_arrays(blob, objects), "arrays.npz cannot be read")
    _refused(_with_arrays(blob, {**arrays, "idf": arrays["idf"].astype(np.float64)}), "float64")
    _refused(_with_arrays(blob, {**arrays, "idf": arrays["idf"][:-1]}), "idf has shape")
    wide = {**arrays, "coef_0": np.hstack([arrays["coef_0"], arrays["coef_0"][:, :1]])}
    _refused(_with_arrays(blob, wide), "coefficients of shape")
    bad = arrays["intercept_0"].copy()
    bad[0] = np.inf
    _refused(_with_arrays(blob, {**arrays, "intercept_0": bad}), "not a finite number")
    fewer = {k: v for k, v in arrays.items() if k != "coef_0"}
    _refused(_with_arrays(blob, fewer), "other arrays")


def test_the_member_size_limit(blob: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_file, "MAX_MEMBER_BYTES", 100)
    _refused(blob, "too large")


def _bomb(blob: bytes, numbers: int, declared: int | None = None) -> bytes:
    """``blob`` with its idf replaced by a member of ``numbers`` zeros (a few kilobytes once
    deflated, twice), whose npy head says ``declared`` numbers (default: as many)."""
    with np.load(io.BytesIO(_members(blob)["arrays.npz"])) as found:
        arrays = {name: found[name] for name in found.files}
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("idf.npy", "w", force_zip64=True) as member:
            head = io.BytesIO()
            shape = (numbers if declared is None else declared,)
            header = {"descr": "<f4", "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(head, header)
            member.write(head.getvalue())
            chunk = bytes(1 << 22)
            for left in range(numbers * 4, 0, -len(chunk)):
                member.write(chunk[:left])
        for name, array in arrays.items():
            if name != "idf":
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array)
                archive.writestr(f"{name}.npy", buffer.getvalue())
    members = _members(blob)
    members["arrays.npz"] = inner.getvalue()
    document = json.loads(members["model.json"])
    document["arrays_sha256"] = sha256(members["arrays.npz"])
    members["model.json"] = json.dumps(document).encode()
    return _zip(members)


@pytest.mark.parametrize(
    ("numbers", "declared"),
    [(50_000_000, None), (10, 400_000_000_000)],
    ids=["a deflated bomb", "a head claiming 1.6 TB"],
)
def test_an_array_larger_than_its_model_needs_is_refused_before_it_is_read(
    blob: bytes, numbers: int, declared: int | None
) -> None:
    """A model of a few kilobytes whose array unpacks to 200 MB of zeros (or whose npy head
    claims 1.6 TB) is refused without that memory ever being taken (it took 2.5 GB for a
    4 KB blob of 2 GB)."""
    import tracemalloc

    bomb = _bomb(blob, numbers, declared)
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="refused"):
            load(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def _encrypted(members: dict[str, bytes]) -> bytes:
    """A zip archive of ``members`` whose entries say they are encrypted (flag bit 0)."""
    data = bytearray(_zip(members))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    return bytes(data)


def test_an_encrypted_archive_is_refused_in_one_line(blob: bytes) -> None:
    """zipfile raises RuntimeError for an encrypted member: it was a traceback."""
    _refused(_encrypted(_members(blob)), "not a model archive")
    members = _members(blob)
    inner = _encrypted(_members(members["arrays.npz"]))
    members["arrays.npz"] = inner
    document = json.loads(members["model.json"])
    document["arrays_sha256"] = sha256(inner)
    members["model.json"] = json.dumps(document).encode()
    _refused(_zip(members), "arrays.npz cannot be read")
