"""The ``dir:`` queue: a folder (local or shared), one sub-folder per item.

``PATH/items/<item_id>/`` holds the wheels, ``manifest.json`` and
``results/result-<device>.json``. Items appear atomically: built in a staging folder, then
renamed into place.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from woaport.bounded import read_json
from woaport.devicequeue import (
    DEVICE_ID,
    MANIFEST,
    RESULT_PREFIX,
    Listing,
    QueueItem,
    QueueURL,
    checked_item_id,
    result_name,
)
from woaport.documents.device_result import DeviceResult
from woaport.documents.manifest import Manifest
from woaport.errors import BadInput, WoaportError
from woaport.files import write_atomic
from woaport.limits import MAX_DOCUMENT_BYTES
from woaport.safepath import child

MAX_DOCUMENT = MAX_DOCUMENT_BYTES  # a manifest or result larger than this is not one


def read_document(path: Path) -> object:
    return read_json(path, error=BadInput)


class DirQueue:
    def __init__(self, url: QueueURL) -> None:
        self.url = url
        self.root = url.path

    @property
    def items_dir(self) -> Path:
        return self.root / "items"

    def publish(self, manifest: Manifest, files: Mapping[str, Path]) -> str:
        final = child(self.items_dir, manifest.item_id, "queue item id")
        if (final / MANIFEST).is_file():
            return str(final)  # the same artifacts and contract: already queued
        staging = child(self.root, f".staging-{manifest.item_id}-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name, path in files.items():
            shutil.copyfile(path, child(staging, name, "queued file name"))
        write_atomic(staging / MANIFEST, json.dumps(manifest.to_json(), indent=2).encode())
        self.items_dir.mkdir(parents=True, exist_ok=True)
        try:
            staging.rename(final)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not (final / MANIFEST).is_file():
                raise
        return str(final)

    def items(self) -> Listing:
        if not self.root.is_dir():
            raise BadInput(
                f"queue {self.url}: {self.root} is not a folder; create it or fix the path"
            )
        listing = Listing()
        if not self.items_dir.is_dir():
            return listing
        for folder in sorted(self.items_dir.iterdir()):
            manifest_path = folder / MANIFEST
            if not manifest_path.is_file():
                continue  # still being published (or not an item)
            try:
                manifest = Manifest.from_json(read_document(manifest_path), str(manifest_path))
                item_id = checked_item_id(folder.name, manifest, str(folder))
            except (WoaportError, OSError) as exc:
                listing.skipped.append(getattr(exc, "message", None) or f"{folder}: {exc}")
                continue
            results = {
                device: p
                for p in (folder / "results").glob(f"{RESULT_PREFIX}*.json")
                if DEVICE_ID.match(device := p.stem.removeprefix(RESULT_PREFIX))
            }
            listing.items.append(
                QueueItem(
                    queue=self.url,
                    item_id=item_id,
                    manifest=manifest,
                    results=results,
                    handle=folder,
                )
            )
        return listing

    def authoritative_manifest(self, item: QueueItem, work: Path) -> Manifest:
        return item.manifest  # the listing read manifest.json itself

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path:
        source = child(Path(item.handle), filename, "queued file name")
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing from the queue item")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        return dest

    def publish_result(self, item: QueueItem, result: DeviceResult) -> str:
        target = Path(item.handle) / "results" / result_name(result.device_id)
        write_atomic(target, json.dumps(result.to_json(), indent=1).encode())
        return str(target)

    def read_result(self, item: QueueItem, device_id: str) -> DeviceResult | None:
        path = Path(item.handle) / "results" / result_name(device_id)
        if not path.is_file():
            return None
        return DeviceResult.from_json(read_document(path), str(path))

    def close(self) -> None:
        pass
