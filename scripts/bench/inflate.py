"""The decompression limit: inflate a (multi-member) gzip file with zlib to nowhere."""
import sys
import zlib

with open(sys.argv[1], "rb") as f:
    d = zlib.decompressobj(31)
    total = 0
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        while chunk:
            total += len(d.decompress(chunk))
            if d.eof:
                chunk = d.unused_data
                d = zlib.decompressobj(31)
            else:
                chunk = b""
print(total)
