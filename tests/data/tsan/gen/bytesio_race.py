# Four threads write to and seek one io.BytesIO without a lock. In the
# free-threaded 3.13 build BytesIO has no internal locking, so the TSan-built
# interpreter reports data races inside Modules/_io/bytesio.c.
import io
import threading

buf = io.BytesIO()
start = threading.Barrier(4)


def writer():
    start.wait()
    for _ in range(2000):
        buf.write(b"x" * 64)
        buf.seek(0)


threads = [threading.Thread(target=writer) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
