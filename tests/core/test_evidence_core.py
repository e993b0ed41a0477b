"""Pure parts of portable evidence: the manifest's form, key ids, reading a JPEG's stamp
without an image library, the binding rule, and a bundle that is not one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workdiary.core.bundle_check import BundleUnreadable, check_bundle
from workdiary.core.errors import DomainError
from workdiary.core.evidence import FORMAT, FileEntry, Manifest, entry_for, parse_manifest
from workdiary.core.shotstamp import jpeg_comment, make_stamp, parse_stamp, shot_binds, stamp_jpeg
from workdiary.core.signing import (
    generate_private_key,
    key_id,
    public_key_of,
    sign_bytes,
    signature_over_bytes_is_valid,
)

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0004000000ffd9")


def test_the_manifest_round_trips_and_is_signed_over_its_exact_bytes() -> None:
    private = generate_private_key()
    public = public_key_of(private)
    manifest = Manifest("c1", "2026-11-16", "2026-11-23T12:00:00Z", key_id(public), public,
                        "included", (entry_for("b.json", b"{}"), FileEntry("a.json", "0" * 64, 2)))
    data = manifest.to_bytes()
    assert parse_manifest(data) == Manifest(
        "c1", "2026-11-16", "2026-11-23T12:00:00Z", key_id(public), public, "included",
        (FileEntry("a.json", "0" * 64, 2), entry_for("b.json", b"{}")))  # sorted by path
    signature = sign_bytes(data, private)
    assert signature_over_bytes_is_valid(data, signature, public)
    assert not signature_over_bytes_is_valid(data + b" ", signature, public)
    assert len(key_id(public)) == 16 and key_id(public) != key_id(public_key_of(
        generate_private_key()))


def test_the_manifest_names_its_server_and_older_ones_without_it_still_parse() -> None:
    public = public_key_of(generate_private_key())
    older = Manifest("c1", "2026-11-16", "2026-11-23T12:00:00Z", key_id(public), public,
                     "included", ())
    assert b"server_url" not in older.to_bytes()  # a bundle of the version before
    assert parse_manifest(older.to_bytes()).server_url == ""
    named = Manifest("c1", "2026-11-16", "2026-11-23T12:00:00Z", key_id(public), public,
                     "included", (), "https://diary.example.org")
    assert parse_manifest(named.to_bytes()) == named


@pytest.mark.parametrize("data", [b"not json", b'{"format": "other/9"}', b"[]",
                                  f'{{"format": "{FORMAT}"}}'.encode()])
def test_a_manifest_that_is_not_one_is_a_sentence(data: bytes) -> None:
    with pytest.raises(DomainError, match="manifest"):
        parse_manifest(data)


def test_a_zip_without_a_manifest_is_unreadable() -> None:
    with pytest.raises(BundleUnreadable, match=r"no manifest\.json"):
        check_bundle({"README.txt": b"hi"}, None)
    with pytest.raises(BundleUnreadable, match="not a workdiary evidence manifest"):
        check_bundle({"manifest.json": b"{"}, None)


def test_the_stamp_is_read_from_the_jpeg_header() -> None:
    stamp = make_stamp("seg-1", T0)
    stamped = stamp_jpeg(JPEG, stamp)
    assert jpeg_comment(stamped) == stamp
    assert parse_stamp(jpeg_comment(stamped)) is not None
    assert jpeg_comment(JPEG) is None  # no comment before the image data
    assert jpeg_comment(b"\x89PNG....") is None
    assert jpeg_comment(stamped[:7]) is None  # cut short: no crash, no comment


def test_an_image_binds_only_its_own_moment_of_its_own_segment() -> None:
    stamp = parse_stamp(make_stamp("seg-1", T0 + timedelta(minutes=1)))
    args = dict(segment_id="seg-1", device_id="dev", start=T0, end=T0 + timedelta(minutes=10),
                taken_at=T0 + timedelta(minutes=1, microseconds=5), uploader_device="dev",
                stamp=stamp)
    assert shot_binds(**args)  # type: ignore[arg-type]
    for change in ({"uploader_device": "other"}, {"segment_id": "seg-2"}, {"stamp": None},
                   {"taken_at": T0 + timedelta(minutes=2)},
                   {"end": T0 + timedelta(seconds=30)}):
        assert not shot_binds(**{**args, **change})  # type: ignore[arg-type]


def test_the_verifier_writes_amounts_in_units_not_cents() -> None:
    from workdiary.core.bundle_invoice import money

    assert money(1500, "USD") == "15.00 USD"
    assert money(5, "EUR") == "0.05 EUR"
    assert money(-1250, "USD") == "-12.50 USD"
    assert money(0, "") == "0.00"
