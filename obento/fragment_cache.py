"""Values kept in the worker's memory under a key that determines them.

A shop opens its day list again and again while packing, and it changes only when an order
does. The page asks PostgreSQL for a digest of every column it shows (one cheap aggregate)
and reuses the part rendered for that digest; any change to the rows (a check mark, a
cancellation, a renamed employee) changes the digest, so a stale part is never shown. The
chart is kept by its numbers, settled days' counts by a ten-minute time slot. Each gunicorn
worker keeps its own cache, bounded in bytes, least recently used out first.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class FragmentCache:
    def __init__(self, max_bytes: int, max_item_bytes: int):
        self.max_bytes, self.max_item_bytes = max_bytes, max_item_bytes
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], tuple[Hashable, object, int]]):
        """Return the value cached under `key`, or `build()`'s value, which it caches.

        `key` must determine the value (e.g. include a digest of its content). `build`
        returns (key, value, size): the key of what it actually built, e.g. with the digest
        read together with the content (in the same statement), so a change in between is
        filed under its own digest, never the old one.
        """
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        built_key, value, size = build()
        if size <= self.max_item_bytes:
            with self._lock:
                self._put(built_key, value, size)
        return value

    def _put(self, key: Hashable, value: object, size: int) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, evicted) = self._items.popitem(last=False)
            self._bytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
