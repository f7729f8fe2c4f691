#!/usr/bin/env python3
"""Writes the malformed .npy corpus: NAME.npy plus NAME.expect, the exact
message read_npy must throw, with {file} standing for the path it was given.
Plain Python, no NumPy: every byte is spelled out here. Run from anywhere;
checked by tests/io/test_bad_npy_files.cpp."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DICT = "a Python dict literal like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
KEYS = "the keys 'descr', 'fortran_order' and 'shape'"
RANK = "rank 0 () to rank 4 (a, b, rows, cols)"


def npy(header, data=b"", major=1, raw_length=None):
    """Magic, version, length, header padded to 64 bytes with spaces and '\\n'."""
    length_bytes = 2 if major == 1 else 4
    text = header.encode("latin1") if isinstance(header, str) else header
    unpadded = 8 + length_bytes + len(text) + 1
    text += b" " * ((64 - unpadded % 64) % 64) + b"\n"
    length = len(text) if raw_length is None else raw_length
    fmt = "<H" if major == 1 else "<I"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, length) + text + data


def dict_text(descr="'<f4'", order="False", shape="(10, 10)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, order, shape)


def floats(n):
    return struct.pack("<%df" % n, *[float(i) for i in range(n)])


garbled = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}"
# Long values in messages keep their first 64 characters (compiler/support/input_error.h).
ELLIPSIS = "\u2026"


def cut(text, total=None):
    total = len(text) if total is None else total
    return "%s%s (%d bytes, %d not shown)" % (text[:64], ELLIPSIS, total, total - 64)


long_shape = "(" + ", ".join(["1"] * 2000) + ")"
long_name = "Fals" + "e" * 3000
CASES = {
    "empty": (b"", "{file}: not a NumPy file: the file is empty (expected \\x93NUMPY)"),
    "bad-magic": (b"\x89PNG\r\n\x1a\n" + b"\0" * 56, "{file}: not a NumPy file: bad magic (expected \\x93NUMPY)"),
    "version-9": (npy(dict_text(), floats(100))[:6] + b"\x09\x00" + npy(dict_text(), floats(100))[8:],
                  "{file}: format version 9.0 not supported (expected 1.0, 2.0 or 3.0)"),
    "truncated-length": (b"\x93NUMPY\x01\x00\x76",
                         "{file}: header truncated: the file ends at byte 9 "
                         "(expected 2 bytes of header length after the version)"),
    "truncated-header": (npy(dict_text())[:50],
                         "{file}: header truncated: the header length is 118 bytes but only 40 follow "
                         "(expected the whole header)"),
    "header-too-long": (b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + b" " * 100,
                        "{file}: header length 4294967295 is too long (expected at most 65536 bytes)"),
    "header-garbled": (npy(garbled, floats(6)),
                       "{file}: header: garbled: unexpected '}' at offset %d (expected %s)"
                       % (garbled.index("}"), DICT)),
    "header-not-ascii": (npy(b"\xff{'descr': '<f4'}"),
                         "{file}: header: garbled: unexpected '\\xff' at offset 0 (expected %s)" % DICT),
    "header-not-dict": (npy("[1, 2, 3]"), "{file}: header: is a list [1, 2, 3], not a dict (expected %s)" % DICT),
    "missing-shape": (npy("{'descr': '<f4', 'fortran_order': False}"),
                      "{file}: header: missing key 'shape' (expected %s)" % KEYS),
    "unknown-key": (npy("{'dtype': '<f4', 'fortran_order': False, 'shape': (2,)}"),
                    "{file}: header: unknown key 'dtype' (expected %s)" % KEYS),
    "big-endian": (npy(dict_text(descr="'>f4'"), floats(100)),
                   "{file}: dtype '>f4' is big-endian (expected '<f4' or '<f8': little-endian float32 or "
                   "float64; save with arr.astype('<f4'))"),
    "int-dtype": (npy(dict_text(descr="'<i4'"), floats(100)),
                  "{file}: dtype '<i4' not supported (expected '<f4' or '<f8')"),
    "float16": (npy(dict_text(descr="'<f2'"), floats(50)),
                "{file}: dtype '<f2' not supported (expected '<f4' or '<f8')"),
    "structured": (npy(dict_text(descr="[('a', '<f4'), ('b', '<f4')]"), floats(200)),
                   "{file}: dtype [('a', '<f4'), ('b', '<f4')] is a structured dtype (expected '<f4' or '<f8')"),
    "fortran-order": (npy(dict_text(order="True"), floats(100)),
                      "{file}: fortran_order is True (expected C order: save with np.ascontiguousarray)"),
    "rank-5": (npy(dict_text(shape="(1, 2, 3, 4, 1)"), floats(24)),
               "{file}: shape (1, 2, 3, 4, 1) has rank 5 (expected %s)" % RANK),
    "scalar-no-data": (npy(dict_text(shape="()")),
                       "{file}: data is 0 bytes, shape () needs 4 (expected the whole array)"),
    "huge-shape-rank-4": (npy(dict_text(shape="(65536, 65536, 65536, 65536)")),
                          "{file}: shape (65536, 65536, 65536, 65536) is too large "
                          "(expected at most 2147483648 (2^31) elements)"),
    "negative-dim": (npy(dict_text(shape="(-1, 3)")),
                     "{file}: shape (-1, 3) has a negative dimension (expected sizes >= 0)"),
    "huge-shape-overflow": (npy(dict_text(shape="(4294967296, 4294967296)")),
                            "{file}: shape (4294967296, 4294967296) is too large "
                            "(expected at most 2147483648 (2^31) elements)"),
    "huge-shape-no-data": (npy(dict_text(descr="'<f8'", shape="(65536, 32768)")),
                           "{file}: data is 0 bytes, shape (65536, 32768) needs 17179869184 "
                           "(expected the whole array)"),
    "truncated-data": (npy(dict_text(), floats(99)),
                       "{file}: data is 396 bytes, shape (10, 10) needs 400 (expected the whole array)"),
    "long-dtype": (npy(dict_text(descr="'" + "x" * 5000 + "'"), floats(100)),
                   "{file}: dtype %s not supported (expected '<f4' or '<f8')" % cut("'" + "x" * 5000 + "'")),
    "dtype-control-characters": (npy(dict_text(descr="'<f4\x1b[2J\x9b'"), floats(100)),
                                 "{file}: dtype '<f4\\x1b[2J\\x9b' not supported (expected '<f4' or '<f8')"),
    "long-shape": (npy(dict_text(shape=long_shape)),
                   "{file}: shape %s has rank 2000 (expected %s)" % (cut(long_shape), RANK)),
    "long-unknown-name": (npy("{'descr': '<f4', 'fortran_order': %s, 'shape': (2,), }" % long_name, floats(2)),
                          "{file}: header: garbled: unknown name '%s at offset 34 (expected %s)"
                          % (cut(long_name).replace(ELLIPSIS, ELLIPSIS + "'", 1), DICT)),
    "trailing-bytes": (npy(dict_text(), floats(101)),
                       "{file}: data is 404 bytes, shape (10, 10) needs 400: 4 trailing bytes "
                       "(expected the file to end with the array)"),
}

for name, (data, expect) in CASES.items():
    with open(os.path.join(HERE, name + ".npy"), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, name + ".expect"), "w", encoding="utf-8") as f:
        f.write(expect + "\n")
print("wrote %d cases" % len(CASES))
