# SPDX-License-Identifier: MIT
"""Enums, diagnostics, exceptions and the helpers every wrapper shares."""

from __future__ import annotations

import enum
import operator
from ctypes import byref, c_char_p, c_size_t, c_void_p, sizeof
from dataclasses import dataclass
from typing import (
    Any,
    ClassVar,
    Dict,
    Iterable,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

from ._lib import lib

#: A text argument: ``str`` is encoded as UTF-8, ``bytes`` is passed as is.
Text = Union[str, bytes]

#: ``MTASTS_PARSE_LENIENT``.
PARSE_LENIENT = 1
#: ``MTASTS_FORMAT_LF``.
FORMAT_LF = 1

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_UINT32_MAX = (1 << 32) - 1


def _name(ptr: Optional[bytes]) -> Optional[str]:
    return None if ptr is None else ptr.decode("ascii", "replace")


class Status(enum.IntEnum):
    """Status codes of the C library (``enum mtasts_status``)."""

    OK = 0
    ENOMEM = -1
    EINVAL = -2
    ESYNTAX = -3
    ETOOLARGE = -4
    EVERSION = -5
    EID = -6
    EMODE = -7
    EMAXAGE = -8
    EMX = -9
    ENORECORD = -10
    EMULTIPLE = -11
    ERUA = -12
    ELINT = -13
    ENOTSUP = -14
    EDNS = -15
    EFETCH = -16
    ETLS = -17

    def to_name(self) -> str:
        """The C enumerator name, e.g. ``"MTASTS_EMAXAGE"``."""
        return status_name(self) or str(int(self))


def _status(value: int) -> int:
    """``value`` as a :class:`Status` when it is a known one."""
    return _STATUSES.get(value, value)


def strerror(status: int) -> str:
    """Static English text for any status (``mtasts_strerror``)."""
    text: bytes = lib.mtasts_strerror(_c_int(status, "status"))
    return text.decode("ascii", "replace")


def status_name(status: int) -> Optional[str]:
    """``"MTASTS_EMAXAGE"`` for a status, None for an unknown value."""
    return _name(lib.mtasts_status_name(_c_int(status, "status")))


class Severity(enum.IntEnum):
    """Severity of a diagnostic (``enum mtasts_severity``)."""

    ERROR = 1
    WARNING = 2
    NOTE = 3

    def to_name(self) -> str:
        """``"error"``, ``"warning"`` or ``"note"``."""
        return _name(lib.mtasts_severity_name(self)) or str(int(self))


class Mode(enum.IntEnum):
    """Policy mode (``enum mtasts_mode``)."""

    NONE = 1
    TESTING = 2
    ENFORCE = 3

    def to_name(self) -> str:
        """``"none"``, ``"testing"`` or ``"enforce"``."""
        return _name(lib.mtasts_mode_name(self)) or str(int(self))

    @classmethod
    def from_name(cls, name: Text) -> "Mode":
        """The mode with this exact (case-sensitive) name.

        Raises ValueError for any other string.
        """
        v = lib.mtasts_mode_from_name(_cstr(name, "mode"))
        if v < 0:
            raise ValueError("invalid mode %r (none, testing or enforce)"
                             % (name,))
        return cls(v)


class RuaScheme(enum.IntEnum):
    """Scheme of a TLSRPT ``rua`` URI (``enum mtasts_rua_scheme``)."""

    MAILTO = 1
    HTTPS = 2
    OTHER = 3


class ResultType(enum.IntEnum):
    """RFC 8460 STARTTLS validation result types
    (``enum mtasts_result_type``)."""

    STARTTLS_NOT_SUPPORTED = 1
    CERTIFICATE_HOST_MISMATCH = 2
    CERTIFICATE_EXPIRED = 3
    CERTIFICATE_NOT_TRUSTED = 4
    VALIDATION_FAILURE = 5
    TLSA_INVALID = 6
    DNSSEC_INVALID = 7
    DANE_REQUIRED = 8
    STS_POLICY_FETCH_ERROR = 9
    STS_POLICY_INVALID = 10
    STS_WEBPKI_INVALID = 11

    def to_name(self) -> str:
        """The registered name, e.g. ``"sts-policy-invalid"``."""
        return _name(lib.mtasts_result_type_name(self)) or str(int(self))

    @classmethod
    def from_name(cls, name: Text) -> "ResultType":
        """The result type with this registered name (exact).

        Raises ValueError for a name the library does not know (the
        registry is open: a report parser must cope with that).
        """
        v = lib.mtasts_result_type_from_name(_cstr(name, "name"))
        if v <= 0:
            raise ValueError("unknown result type %r" % (name,))
        return cls(v)

    @classmethod
    def for_status(cls, status: int) -> Optional["ResultType"]:
        """See :func:`result_type_for_status`."""
        return result_type_for_status(status)


class PolicyType(enum.IntEnum):
    """RFC 8460 report policy types (``enum mtasts_policy_type``)."""

    STS = 1
    TLSA = 2
    NO_POLICY_FOUND = 3

    def to_name(self) -> str:
        """``"sts"``, ``"tlsa"`` or ``"no-policy-found"``."""
        return _name(lib.mtasts_policy_type_name(self)) or str(int(self))

    @classmethod
    def from_name(cls, name: Text) -> "PolicyType":
        """The policy type with this exact name; ValueError otherwise."""
        v = lib.mtasts_policy_type_from_name(_cstr(name, "name"))
        if v <= 0:
            raise ValueError("unknown policy type %r" % (name,))
        return cls(v)


def result_type_for_status(status: int) -> Optional[ResultType]:
    """The result type an MTA reports when getting a policy failed with
    ``status`` (``mtasts_status_result_type``), or None when nothing is to
    be reported."""
    v: int = lib.mtasts_status_result_type(_c_int(status, "status"))
    if v <= 0:
        return None
    try:
        return ResultType(v)
    except ValueError:  # a type added by a newer library: a plain int
        return cast(ResultType, v)


class DiagCode(enum.IntEnum):
    """Stable diagnostic codes (``enum mtasts_diag_code``,
    docs/diagnostics.md). :attr:`Diagnostic.name` gives the kebab-case
    name the library assigns."""

    TOO_LARGE = 101
    LINE_TOO_LONG = 102
    TOO_MANY_MX = 103
    TOO_MANY_EXTENSIONS = 104
    EMPTY = 105
    NUL_BYTE = 106
    CONTROL_CHAR = 107
    NON_ASCII = 108
    INVALID_UTF8 = 109
    BOM = 110
    BARE_CR = 111
    QUOTED = 112
    OUTER_WHITESPACE = 113
    TOO_MANY_DIAGNOSTICS = 114
    TOO_MANY_RECORDS = 115
    BAD_RDATA = 116
    TXT_VERSION = 201
    TXT_NO_FIELDS = 202
    TXT_EMPTY_FIELD = 203
    TXT_SYNTAX = 204
    TXT_FIELD_NAME = 205
    TXT_FIELD_VALUE = 206
    TXT_DUPLICATE = 207
    TXT_NAME_CASE = 208
    TXT_SPACE_BEFORE_SEMICOLON = 209
    RRSET_NONE = 210
    RRSET_MULTIPLE = 211
    RRSET_DISCARDED = 212
    RECORD_ID_MISSING = 220
    RECORD_ID_INVALID = 221
    POLICY_EMPTY_LINE = 301
    POLICY_LEADING_WHITESPACE = 302
    POLICY_NO_COLON = 303
    POLICY_SPACE_BEFORE_COLON = 304
    POLICY_FIELD_NAME = 305
    POLICY_NAME_CASE = 306
    POLICY_EXTENSION_VALUE = 307
    POLICY_DUPLICATE = 308
    POLICY_VERSION_MISSING = 309
    POLICY_VERSION_INVALID = 310
    POLICY_MODE_MISSING = 311
    POLICY_MODE_INVALID = 312
    POLICY_MAX_AGE_MISSING = 313
    POLICY_MAX_AGE_INVALID = 314
    POLICY_MAX_AGE_RANGE = 315
    POLICY_MX_MISSING = 316
    MX_EMPTY = 401
    MX_EMPTY_LABEL = 402
    MX_LABEL_TOO_LONG = 403
    MX_NAME_TOO_LONG = 404
    MX_HYPHEN = 405
    MX_INVALID_CHAR = 406
    MX_TRAILING_DOT = 407
    MX_WILDCARD = 408
    MX_U_LABEL = 409
    MX_LIST = 410
    MX_PORT = 411
    TLSRPT_RUA_MISSING = 501
    TLSRPT_RUA_EMPTY = 502
    TLSRPT_URI_SYNTAX = 503
    TLSRPT_URI_RESERVED = 504
    TLSRPT_URI_SCHEME = 505
    TLSRPT_MAILTO = 506
    TLSRPT_HTTPS = 507
    TLSRPT_MAILTO_HEADERS = 508
    LINT_MX_UNCOVERED = 601
    LINT_PATTERN_UNUSED = 602
    LINT_WILDCARD_SUFFIX = 603
    LINT_SINGLE_LABEL = 604
    LINT_IP_ADDRESS = 605
    LINT_MAX_AGE_SHORT = 606
    LINT_ENFORCE_MAX_AGE = 607
    LINT_TESTING_MAX_AGE = 608
    LINT_NONE_MAX_AGE = 609
    LINT_MODE_TESTING = 610
    LINT_MODE_NONE = 611
    LINT_NO_TLSRPT = 612
    LINT_NO_RECORD = 613
    LINT_ID_UNCHANGED = 614
    LINT_WILDCARD_DOMAIN = 615
    LINT_MX_DUPLICATE = 616
    LINT_MX_REDUNDANT = 617
    DNS_TEMPORARY = 701
    DNS_NXDOMAIN = 702
    DNS_NODATA = 703
    DNS_CNAME = 704
    FETCH_CONNECT = 710
    FETCH_TLS = 711
    FETCH_STATUS = 712
    FETCH_REDIRECT = 713
    FETCH_CONTENT_TYPE = 714
    FETCH_TOO_LARGE = 715
    FETCH_TIMEOUT = 716
    FETCH_ENCODING = 717
    PROBE_CONNECT = 720
    PROBE_NO_STARTTLS = 721
    PROBE_EXPIRED = 722
    PROBE_UNTRUSTED = 723
    PROBE_MISMATCH = 724
    PROBE_TLS = 725

    def to_name(self) -> str:
        """The kebab-case name, e.g. ``"policy-max-age-range"``."""
        return _name(lib.mtasts_diag_code_name(self)) or str(int(self))


_DIAG_CODES = {int(c): c for c in DiagCode}
_SEVERITIES = {int(s): s for s in Severity}
_STATUSES = {int(s): s for s in Status}
# Static strings of the library, looked up once per value.
_CODE_NAMES: Dict[int, str] = {}
_SEVERITY_NAMES: Dict[int, str] = {}


def _code_name(code: int) -> str:
    name = _CODE_NAMES.get(code)
    if name is None:
        name = _name(lib.mtasts_diag_code_name(code)) or str(code)
        _CODE_NAMES[code] = name
    return name


def _severity_name(severity: int) -> str:
    name = _SEVERITY_NAMES.get(severity)
    if name is None:
        name = _name(lib.mtasts_severity_name(severity)) or str(severity)
        _SEVERITY_NAMES[severity] = name
    return name


@dataclass(frozen=True)
class Diagnostic:
    """One problem found by a parse, a builder, a check or the linter.

    ``code`` is a :class:`DiagCode` (a plain int for a code added by a
    newer library), ``name`` its stable kebab-case name. ``line`` and
    ``column`` are 1-based (0 for a problem of the whole input); for a
    policy the line counts LF terminators and the column is a byte column;
    for TXT records the line is the 1-based index of the record in the
    RRset. ``offset`` is the 0-based byte offset into the input.
    ``message`` is plain ASCII (other bytes of the input are shown as
    ``\\xNN``).
    """

    code: int
    name: str
    severity: Severity
    line: int
    column: int
    offset: int
    message: str

    @property
    def is_error(self) -> bool:
        """Whether the severity is :attr:`Severity.ERROR`."""
        return self.severity == Severity.ERROR

    def __str__(self) -> str:
        """``line:column: severity: message [name]``, as the CLI prints."""
        if self.line and self.column:
            where = "%d:%d: " % (self.line, self.column)
        elif self.line:
            where = "%d: " % self.line
        else:
            where = ""
        return "%s%s: %s [%s]" % (where, _severity_name(self.severity),
                                  self.message, self.name)


class MtastsError(Exception):
    """A libmtasts call failed.

    ``status`` is the negative status (a :class:`Status`), ``status_name``
    its C name (``"MTASTS_EMX"``) and ``diagnostics`` every diagnostic the
    call produced (errors and warnings, in order). ``str()`` gives the
    status text and the first error.
    """

    def __init__(self, status: int, diagnostics: Iterable[Diagnostic] = (),
                 message: Optional[str] = None) -> None:
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        super().__init__(status, self.diagnostics, message)
        self.status: int = _STATUSES.get(status, status)
        self._message = message

    @property
    def status_name(self) -> str:
        """The C name of the status, e.g. ``"MTASTS_EMAXAGE"``."""
        return status_name(self.status) or str(int(self.status))

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics of severity error."""
        return [d for d in self.diagnostics if d.is_error]

    def __str__(self) -> str:
        if self._message is None:
            message = strerror(self.status)
            first = next((d for d in self.diagnostics if d.is_error), None)
            if first is not None:
                message = "%s: %s" % (message, first)
            self._message = message
        return self._message


class ParseError(MtastsError, ValueError):
    """A text did not parse, or an RRset selection found no usable record.

    ``selected`` is the 0-based index of the only candidate RR of a
    ``select`` call when there was exactly one (it then failed to parse),
    else None.
    """

    def __init__(self, status: int, diagnostics: Iterable[Diagnostic] = (),
                 selected: Optional[int] = None) -> None:
        super().__init__(status, diagnostics)
        self.args = (status, self.diagnostics, selected)
        self.selected = selected


class BuildError(MtastsError, ValueError):
    """A builder refused a value or could not build the object."""


# ---- helpers --------------------------------------------------------------

#: ``MTASTS_NO_INDEX``: ``(size_t)-1``.
_NO_INDEX = (1 << (8 * sizeof(c_size_t))) - 1


def _c_int(v: Any, what: str) -> int:
    i: int = operator.index(v)
    if not _INT_MIN <= i <= _INT_MAX:
        raise OverflowError("%s out of range: %d" % (what, i))
    return i


def _cstr(v: Any, what: str) -> bytes:
    """A NUL-terminated C string argument (host names, patterns, ids,
    builder values): str as UTF-8, bytes as is, embedded NUL refused."""
    if type(v) is str:  # the common case first: this is on hot paths
        if "\0" in v:
            raise ValueError("%s contains a NUL byte" % what)
        return v.encode("utf-8")
    if isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
    elif isinstance(v, str):
        b = v.encode("utf-8")
    else:
        raise TypeError("%s must be str or bytes, not %s"
                        % (what, type(v).__name__))
    if b"\0" in b:
        raise ValueError("%s contains a NUL byte" % what)
    return b


def _buf(v: Any, what: str = "text") -> bytes:
    """A (pointer, length) buffer argument: any bytes, NUL included."""
    if type(v) is bytes:
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise TypeError("%s must be str or bytes, not %s"
                    % (what, type(v).__name__))


def _text(b: Optional[bytes]) -> str:
    """A borrowed string from the library as str (UTF-8; policy extension
    values may hold non-ASCII)."""
    if b is None:
        return ""
    return b.decode("utf-8", "surrogateescape")


_diag_new = lib.mtasts_diag_new
_diag_free = lib.mtasts_diag_free
_diag_count = lib.mtasts_diag_count
_diag_code = lib.mtasts_diag_code
_diag_severity = lib.mtasts_diag_severity
_diag_line = lib.mtasts_diag_line
_diag_column = lib.mtasts_diag_column
_diag_offset = lib.mtasts_diag_offset
_diag_message = lib.mtasts_diag_message
_diag_code_name = lib.mtasts_diag_code_name
_mtasts_free = lib.mtasts_free


class _Diag:
    """A C diagnostics list for the duration of one call::

        with _Diag() as d:
            st = lib.mtasts_x(..., d.ptr)
            diags = d.read()
    """

    __slots__ = ("ptr",)

    def __init__(self) -> None:
        p = c_void_p()
        st = _diag_new(byref(p))
        if st != 0:
            _raise_plain(st)
        self.ptr = p.value

    def __enter__(self) -> "_Diag":
        return self

    def __exit__(self, *exc: Any) -> None:
        ptr, self.ptr = self.ptr, None
        _diag_free(ptr)

    def read(self) -> List[Diagnostic]:
        return read_diags(self.ptr)


def read_diags(ptr: Any) -> List[Diagnostic]:
    """Copy every entry of a C diagnostics list into Python objects."""
    out: List[Diagnostic] = []
    for i in range(_diag_count(ptr)):
        code = _diag_code(ptr, i)
        sev = _diag_severity(ptr, i)
        out.append(Diagnostic(
            code=_DIAG_CODES.get(code, code),
            name=_code_name(code),
            severity=_SEVERITIES.get(sev, sev),
            line=_diag_line(ptr, i),
            column=_diag_column(ptr, i),
            offset=_diag_offset(ptr, i),
            message=_text(_diag_message(ptr, i)),
        ))
    return out


def parse_with(fn: Any, text: Any,
               flags: int) -> Tuple[int, Tuple[Diagnostic, ...]]:
    """Run one ``mtasts_*_parse(&out, text, len, flags, diag)`` with a
    diagnostics list of its own; return the new handle and the
    diagnostics, or raise ParseError (MemoryError for ENOMEM)."""
    b = _buf(text)
    d = c_void_p()
    st = _diag_new(byref(d))
    if st != 0:
        _raise_plain(st)
    try:
        out = c_void_p()
        st = fn(byref(out), b, len(b), flags, d)
        diags = tuple(read_diags(d)) if _diag_count(d) else ()
    finally:
        _diag_free(d)
    if st != 0:
        _raise_plain(st, diags, ParseError)
    return out.value, diags  # type: ignore[return-value]


def _raise_plain(st: int, diags: Iterable[Diagnostic] = (),
                 cls: Type[MtastsError] = MtastsError) -> None:
    """Raise the exception for a failed call: MemoryError for ENOMEM."""
    if st == Status.ENOMEM:
        raise MemoryError(strerror(st))
    raise cls(st, diags)


def take_string(out: c_char_p) -> str:
    """Copy a string the library allocated (a ``char **`` out-parameter),
    then release it with ``mtasts_free()`` (never libc ``free``)."""
    try:
        b = out.value
    finally:
        _mtasts_free(out)
    return "" if b is None else b.decode("utf-8", "surrogateescape")


H = TypeVar("H", bound="Handle")


class Handle:
    """Base of every object that owns one C handle.

    The handle is released exactly once: by :meth:`close` (also called by
    ``with``), or when the object is garbage-collected. Any other method
    of a closed object raises ValueError. An object may be read from
    several threads, but :meth:`close` must not race with another call on
    the same object.
    """

    __slots__ = ("_ptr", "__weakref__")

    _ptr: Optional[int]

    #: The C function that frees the handle; set by each subclass.
    _free: ClassVar[Any] = None

    def __init__(self) -> None:  # pragma: no cover - subclasses override
        raise TypeError("%s objects are made by parse(), select() or "
                        "build()" % type(self).__name__)

    @property
    def _h(self) -> int:
        ptr = self._ptr
        if not ptr:
            raise ValueError("operation on a closed %s" % type(self).__name__)
        return ptr

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return not getattr(self, "_ptr", None)

    def close(self) -> None:
        """Free the C object now. Calling it again does nothing."""
        ptr = getattr(self, "_ptr", None)
        if ptr:
            self._ptr = None
            type(self)._free(ptr)

    def __enter__(self: H) -> H:
        self._h  # refuse to enter a closed object
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


def _tuple_pairs(count: Any, name: Any, value: Any,
                 ptr: int) -> Tuple[Tuple[str, str], ...]:
    return tuple((_text(name(ptr, i)), _text(value(ptr, i)))
                 for i in range(count(ptr)))
