from gdprkit.storage.memory import MemoryStore
from gdprkit.testing.conformance import StoreConformance


class TestMemoryStore(StoreConformance):
    supports_multiprocess = False

    def make_store(self, tmp_path):  # noqa: ARG002 - nothing to keep on disk
        return MemoryStore()
