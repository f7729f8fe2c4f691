#!/usr/bin/env python3
"""Writes the malformed TensorProto corpus: NAME.pb plus NAME.expect, the
exact message read_tensor_proto must throw, with {file} standing for the path
it was given. Plain Python, no protobuf package: every field is encoded here
by hand (onnx.proto: dims=1, data_type=2, segment=3, float_data=4,
int32_data=5, string_data=6, int64_data=7, name=8, raw_data=9, double_data=10,
uint64_data=11, data_location=14). Run
from anywhere; checked by tests/io/test_bad_pb_files.cpp."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "a serialized onnx.TensorProto, as the ONNX backend test data stores it"
FLOAT, INT32, STRING, DOUBLE = 1, 6, 8, 11


def varint(n):
    n &= (1 << 64) - 1  # negative int64 values are ten bytes, as protobuf writes them
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def key(field, wire):
    return varint(field << 3 | wire)


def field_varint(field, value):
    return key(field, 0) + varint(value)


def field_bytes(field, data):
    return key(field, 2) + varint(len(data)) + data


def tensor(dims=(), data_type=FLOAT, name=b"x", raw=None, floats=None, ints=None, extra=b""):
    out = b"".join(field_varint(1, d) for d in dims)
    if data_type is not None:
        out += field_varint(2, data_type)
    if floats is not None:
        out += field_bytes(4, struct.pack("<%df" % len(floats), *floats))
    if ints is not None:
        out += field_bytes(5, b"".join(varint(i) for i in ints))
    out += field_bytes(8, name)
    if raw is not None:
        out += field_bytes(9, raw)
    return out + extra


def raw_floats(n):
    return struct.pack("<%df" % n, *[float(i) for i in range(n)])


good = tensor(dims=(2, 3), raw=raw_floats(6))
CASES = {
    "empty": (b"", "{file}: not an ONNX TensorProto: the file is empty (expected %s)" % PROTO),
    "garbage": (b"\xff" * 11 + b"this is not a tensor\n",
                "{file}: not an ONNX TensorProto: the bytes do not parse as one (expected %s)" % PROTO),
    "truncated": (good[:len(good) - 7],
                  "{file}: not an ONNX TensorProto: the bytes do not parse as one (expected %s)" % PROTO),
    "unknown-field": (good + field_varint(99, 1),
                      "{file}: not an ONNX TensorProto: field number 99 is not a TensorProto field (expected %s)"
                      % PROTO),
    "int32": (tensor(dims=(3,), data_type=INT32, ints=[1, 2, 3]),
              "{file}: data type INT32 is not supported (expected FLOAT or DOUBLE)"),
    "string": (tensor(dims=(1,), data_type=STRING, extra=field_bytes(6, b"hello")),
               "{file}: data type STRING is not supported (expected FLOAT or DOUBLE)"),
    "no-data-type": (tensor(dims=(2,), data_type=None, raw=raw_floats(2)),
                     "{file}: data type UNDEFINED is not supported (expected FLOAT or DOUBLE)"),
    "unknown-data-type": (tensor(dims=(2,), data_type=77, raw=raw_floats(2)),
                          "{file}: data type 77 is not supported (expected FLOAT or DOUBLE)"),
    "external": (tensor(dims=(2,), extra=field_varint(14, 1)),
                 "{file}: the values are stored in an external file (expected the values in the .pb file itself)"),
    "segment": (tensor(dims=(2,), raw=raw_floats(2), extra=field_bytes(3, field_varint(1, 0) + field_varint(2, 2))),
                "{file}: is a segment of a larger tensor (expected a whole tensor)"),
    "rank-5": (tensor(dims=(1, 1, 1, 1, 2), raw=raw_floats(2)),
               "{file}: dims [1, 1, 1, 1, 2] have rank 5 (expected rank 0 to 4)"),
    "negative-dim": (tensor(dims=(-1, 3), raw=raw_floats(3)),
                     "{file}: dims [-1, 3] have a negative dimension (expected sizes >= 0)"),
    "huge-dims-overflow": (tensor(dims=(1 << 32, 1 << 32, 1 << 32)),
                           "{file}: dims [4294967296, 4294967296, 4294967296] are too large "
                           "(expected at most 2147483648 (2^31) elements)"),
    "huge-dims-no-data": (tensor(dims=(65536, 32768)),
                          "{file}: float_data holds 0 values, dims [65536, 32768] need 2147483648 "
                          "(expected exactly the tensor's values)"),
    "raw-too-short": (tensor(dims=(2, 3), raw=raw_floats(5)),
                      "{file}: raw_data is 20 bytes, dims [2, 3] of FLOAT need 24 (expected exactly the tensor's values)"),
    "raw-too-long": (tensor(dims=(2, 3), data_type=DOUBLE, raw=raw_floats(7)),
                     "{file}: raw_data is 28 bytes, dims [2, 3] of DOUBLE need 48 "
                     "(expected exactly the tensor's values)"),
    "float-data-count": (tensor(dims=(2, 3), floats=[1, 2, 3, 4, 5]),
                         "{file}: float_data holds 5 values, dims [2, 3] need 6 (expected exactly the tensor's values)"),
    "raw-and-float-data": (tensor(dims=(2,), floats=[1, 2], raw=raw_floats(2)),
                           "{file}: values in both raw_data and float_data (expected the values in one of them)"),
    "float-with-int32-data": (tensor(dims=(2,), ints=[1, 2]),
                              "{file}: a FLOAT tensor with values in int32_data (expected float_data or raw_data)"),
    "float-with-int64-data": (tensor(dims=(2,), extra=field_bytes(7, varint(1) + varint(2))),
                              "{file}: a FLOAT tensor with values in int64_data (expected float_data or raw_data)"),
    "float-with-double-data": (tensor(dims=(2,), extra=field_bytes(10, struct.pack("<2d", 1, 2))),
                               "{file}: a FLOAT tensor with values in double_data (expected float_data or raw_data)"),
    "float-with-uint64-data": (tensor(dims=(2,), extra=field_bytes(11, varint(1) + varint(2))),
                               "{file}: a FLOAT tensor with values in uint64_data (expected float_data or raw_data)"),
    "float-with-string-data": (tensor(dims=(1,), extra=field_bytes(6, b"1.5")),
                               "{file}: a FLOAT tensor with values in string_data (expected float_data or raw_data)"),
    "double-with-float-data": (tensor(dims=(2,), data_type=DOUBLE, floats=[1, 2]),
                               "{file}: a DOUBLE tensor with values in float_data (expected double_data or raw_data)"),
    "raw-and-double-data": (tensor(dims=(2,), data_type=DOUBLE, raw=struct.pack("<2d", 1, 2),
                                   extra=field_bytes(10, struct.pack("<2d", 1, 2))),
                            "{file}: values in both raw_data and double_data (expected the values in one of them)"),
    "unknown-data-location": (tensor(dims=(2,), raw=raw_floats(2), extra=field_varint(14, 5)),
                              "{file}: data_location has a value that ONNX IR version 8 does not define "
                              "(expected the fields of ONNX IR version 8, the onnx.proto tilesim reads)"),
}

for name, (data, expect) in CASES.items():
    with open(os.path.join(HERE, name + ".pb"), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, name + ".expect"), "w") as f:
        f.write(expect + "\n")
print("wrote %d cases" % len(CASES))
