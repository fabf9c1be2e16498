# SPDX-License-Identifier: MIT
"""Policy, Record and TlsRpt: one C object each."""

from __future__ import annotations

import operator
from ctypes import byref, c_char_p, c_size_t, c_void_p
from typing import (
    Any,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from ._common import (
    _NO_INDEX,
    _UINT32_MAX,
    FORMAT_LF,
    PARSE_LENIENT,
    BuildError,
    Diagnostic,
    Handle,
    Mode,
    ParseError,
    RuaScheme,
    Severity,
    Status,
    Text,
    _buf,
    _c_int,
    _cstr,
    _Diag,
    _raise_plain,
    _text,
    _tuple_pairs,
    parse_with,
    strerror,
    take_string,
)
from ._lib import lib

#: Extension fields: a mapping or an iterable of ``(name, value)`` pairs.
Extensions = Union[Mapping[Text, Text], Iterable[Tuple[Text, Text]]]

#: One TXT RR for ``select``: its text, or its character-strings (joined
#: with nothing in between, RFC 8461 §3.1).
RR = Union[Text, Sequence[Text]]

_policy_parse = lib.mtasts_policy_parse
_policy_mode = lib.mtasts_policy_mode
_policy_max_age = lib.mtasts_policy_max_age
_policy_mx_count = lib.mtasts_policy_mx_count
_policy_mx = lib.mtasts_policy_mx
_policy_match = lib.mtasts_policy_match
_record_parse = lib.mtasts_record_parse
_record_id = lib.mtasts_record_id
_tlsrpt_parse = lib.mtasts_tlsrpt_parse
_new = object.__new__
_MODES = {int(m): m for m in Mode}


def _pairs(extensions: Extensions) -> List[Tuple[Text, Text]]:
    if isinstance(extensions, Mapping):
        return list(extensions.items())
    out = []
    for item in extensions:
        name, value = item
        out.append((name, value))
    return out


def _strings(values: Union[Text, Iterable[Text]]) -> List[Text]:
    """A sequence argument that may also be given as one string."""
    if isinstance(values, (str, bytes)):
        return [values]
    return list(values)


def _flags(lenient: bool) -> int:
    return PARSE_LENIENT if lenient else 0


def _check(st: int, diags: Iterable[Diagnostic] = ()) -> None:
    if st != 0:
        _raise_plain(st, diags, BuildError)


class _Builder:
    """A C builder for the duration of one ``with`` block."""

    __slots__ = ("ptr", "_free")

    def __init__(self, new: Any, free: Any, src: Optional[int] = None):
        p = c_void_p()
        _check(new(byref(p), src))
        self.ptr = p.value
        self._free = free

    def __enter__(self) -> "_Builder":
        return self

    def __exit__(self, *exc: Any) -> None:
        ptr, self.ptr = self.ptr, None
        self._free(ptr)


def _add_extensions(add: Any, builder: _Builder, extensions: Extensions,
                    diag: _Diag) -> None:
    for name, value in _pairs(extensions):
        st = add(builder.ptr, _cstr(name, "extension name"),
                 _cstr(value, "extension value"), diag.ptr)
        if st != 0:
            _check(st, diag.read())


def _rr(v: Any) -> bytes:
    if isinstance(v, (list, tuple)):
        return b"".join(_buf(s, "TXT character-string") for s in v)
    return _buf(v, "TXT record")


def _select(fn: Any, items: Sequence[bytes],
            flags: int) -> Tuple[int, Optional[int], List[Diagnostic]]:
    n = len(items)
    arr = (c_char_p * n)(*items)
    lens = (c_size_t * n)(*[len(b) for b in items])
    out = c_void_p()
    sel = c_size_t(_NO_INDEX)
    with _Diag() as d:
        st = fn(byref(out), byref(sel), arr, lens, n, flags, d.ptr)
        diags = d.read()
    selected = None if sel.value == _NO_INDEX else sel.value
    if st != 0:
        if st == Status.ENOMEM:
            raise MemoryError()
        raise ParseError(st, diags, selected)
    return out.value, selected, diags  # type: ignore[return-value]


P = TypeVar("P", bound="_Parsed")


class _Parsed(Handle):
    """Common part of Policy, Record and TlsRpt."""

    __slots__ = ("diagnostics", "selected")

    _format_alloc: Any = None
    _equal: Any = None

    #: Every diagnostic of the call that made the object (on success
    #: only warnings: what lenient parsing accepted, ignored duplicates…).
    diagnostics: Tuple[Diagnostic, ...]
    #: For ``select``: the 0-based index of the RR that was chosen.
    selected: Optional[int]

    @classmethod
    def _make(cls: Type[P], ptr: Optional[int],
              diags: Iterable[Diagnostic] = (),
              selected: Optional[int] = None) -> P:
        self = _new(cls)
        self._ptr = ptr
        self.diagnostics = tuple(diags)
        self.selected = selected
        return self

    @classmethod
    def _parsed(cls: Type[P], fn: Any, text: Text, lenient: bool) -> P:
        ptr, diags = parse_with(fn, text, PARSE_LENIENT if lenient else 0)
        self = _new(cls)
        self._ptr = ptr
        self.diagnostics = diags
        self.selected = None
        return self

    @property
    def warnings(self) -> Tuple[Diagnostic, ...]:
        """The diagnostics of severity warning."""
        return tuple(d for d in self.diagnostics
                     if d.severity == Severity.WARNING)

    def _format(self, flags: int) -> str:
        out = c_char_p()
        st = type(self)._format_alloc(self._h, flags, byref(out))
        if st != 0:
            _raise_plain(st)
        return take_string(out)

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return bool(type(self)._equal(self._h, other._h))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        # Copies and pickles re-parse the canonical text: a new handle,
        # never a second owner of this one.
        return (getattr(type(self), "parse"), (self.format(),))


class Policy(_Parsed):
    """An MTA-STS policy (``mtasts_policy``), immutable.

    Made by :meth:`parse`, :meth:`build` or :meth:`replace`.
    """

    __slots__ = ()
    _free = lib.mtasts_policy_free
    _format_alloc = lib.mtasts_policy_format_alloc
    _equal = lib.mtasts_policy_equal

    @classmethod
    def parse(cls, text: Text, lenient: bool = False) -> "Policy":
        """Parse a policy file (RFC 8461 §3.2).

        ``text`` is the body as served (``str`` is encoded as UTF-8;
        ``bytes`` may hold any byte). With ``lenient`` the mistakes real
        publishers make are accepted, each with a warning in
        :attr:`warnings`. Raises :class:`ParseError` with every diagnostic
        when the text is not a valid policy.
        """
        return cls._parsed(_policy_parse, text, lenient)

    @classmethod
    def build(cls, mode: Union[Mode, int, Text], max_age: int,
              mx: Union[Text, Iterable[Text]] = (),
              extensions: Extensions = ()) -> "Policy":
        """Build a policy from its fields, each checked as a parse would.

        ``mode`` is a :class:`Mode` or its name, ``max_age`` seconds (at
        most 31557600), ``mx`` the patterns in order, ``extensions``
        ``(name, value)`` pairs or a mapping. Raises :class:`BuildError`
        naming the value that was refused.
        """
        return cls._build(None, mode, max_age, mx, extensions)

    def replace(self, mode: Union[Mode, int, Text, None] = None,
                max_age: Optional[int] = None,
                mx: Union[Text, Iterable[Text], None] = None) -> "Policy":
        """A new policy like this one with the given fields replaced
        (``mx`` replaces the whole list; extensions are kept)."""
        return type(self)._build(self._h, mode, max_age, mx, ())

    @classmethod
    def _build(cls, src: Optional[int], mode: Any, max_age: Any, mx: Any,
               extensions: Extensions) -> "Policy":
        with _Builder(lib.mtasts_policy_builder_new,
                      lib.mtasts_policy_builder_free, src) as b, \
                _Diag() as d:
            if mode is not None:
                if isinstance(mode, (str, bytes)):
                    value = lib.mtasts_mode_from_name(_cstr(mode, "mode"))
                    if value < 0:
                        raise BuildError(value, (), "invalid mode %r "
                                         "(none, testing or enforce)"
                                         % (mode,))
                else:
                    value = _c_int(operator.index(mode), "mode")
                st = lib.mtasts_policy_builder_set_mode(b.ptr, value)
                if st != 0:
                    raise BuildError(st, (), "%s: %r" % (strerror(st), mode))
            if max_age is not None:
                age = operator.index(max_age)
                if not 0 <= age <= _UINT32_MAX:
                    raise BuildError(Status.EMAXAGE, (),
                                     "max_age out of range: %d" % age)
                st = lib.mtasts_policy_builder_set_max_age(b.ptr, age)
                if st != 0:
                    raise BuildError(st, (), "%s: %d" % (strerror(st), age))
            if mx is not None:
                if src is not None:
                    lib.mtasts_policy_builder_clear_mx(b.ptr)
                for pattern in _strings(mx):
                    st = lib.mtasts_policy_builder_add_mx(
                        b.ptr, _cstr(pattern, "mx pattern"), d.ptr)
                    if st != 0:
                        _check(st, d.read())
            _add_extensions(lib.mtasts_policy_builder_add_extension, b,
                            extensions, d)
            out = c_void_p()
            st = lib.mtasts_policy_builder_build(b.ptr, byref(out), d.ptr)
            diags = d.read()
            _check(st, diags)
        return cls._make(out.value, diags)

    @property
    def mode(self) -> Mode:
        """The mode."""
        return _MODES[_policy_mode(self._h)]

    @property
    def max_age(self) -> int:
        """``max_age`` in seconds."""
        return int(_policy_max_age(self._h))

    @property
    def mx(self) -> Tuple[str, ...]:
        """The ``mx`` patterns in file order, lower case, duplicates kept."""
        h = self._h
        return tuple(_text(_policy_mx(h, i))
                     for i in range(_policy_mx_count(h)))

    @property
    def extensions(self) -> Tuple[Tuple[str, str], ...]:
        """Extension fields as ``(name, value)`` pairs, in order."""
        return _tuple_pairs(lib.mtasts_policy_extension_count,
                            lib.mtasts_policy_extension_name,
                            lib.mtasts_policy_extension_value, self._h)

    def matches(self, host: Text) -> bool:
        """Whether an MX host name matches some ``mx`` pattern (RFC 8461
        §4.1: ASCII case-insensitive, one trailing dot ignored, a wildcard
        covers exactly one leftmost label). The mode is not considered."""
        ptr = self._ptr
        if not ptr:
            return bool(self._h)  # raises ValueError
        return bool(_policy_match(ptr, _cstr(host, "host"), None) == 1)

    def match_index(self, host: Text) -> Optional[int]:
        """The index in :attr:`mx` of the first pattern ``host`` matches,
        or None."""
        idx = c_size_t(_NO_INDEX)
        if _policy_match(self._h, _cstr(host, "host"), byref(idx)) != 1:
            return None
        return idx.value

    def match(self, host: Text) -> Optional[str]:
        """The first pattern ``host`` matches, or None."""
        h = self._h
        idx = c_size_t(_NO_INDEX)
        if _policy_match(h, _cstr(host, "host"), byref(idx)) != 1:
            return None
        return _text(_policy_mx(h, idx.value))

    def equivalent(self, other: "Policy") -> bool:
        """Whether both mean the same to a sender (same mode and max_age,
        the same sets of patterns and extensions): a policy that is not
        equivalent to the published one needs a new id (R-04)."""
        if not isinstance(other, Policy):
            raise TypeError("equivalent() needs a Policy")
        return bool(lib.mtasts_policy_equivalent(self._h, other._h) == 1)

    def format(self, lf: bool = False) -> str:
        """The canonical text: lines end with CRLF, or LF with ``lf``."""
        return self._format(FORMAT_LF if lf else 0)

    def __repr__(self) -> str:
        if self.closed:
            return "<mtasts.Policy (closed)>"
        return "<mtasts.Policy mode=%s max_age=%d mx=%r>" % (
            self.mode.to_name(), self.max_age, self.mx)


class Record(_Parsed):
    """An STSv1 TXT record of ``_mta-sts.<domain>`` (``mtasts_record``)."""

    __slots__ = ()
    _free = lib.mtasts_record_free
    _format_alloc = lib.mtasts_record_format_alloc
    _equal = lib.mtasts_record_equal

    @classmethod
    def parse(cls, text: Text, lenient: bool = False) -> "Record":
        """Parse the text of one TXT record (its character-strings
        joined). Raises :class:`ParseError`."""
        return cls._parsed(_record_parse, text, lenient)

    @classmethod
    def select(cls, rrs: Sequence[RR], lenient: bool = False) -> "Record":
        """Choose the STSv1 record among a TXT RRset and parse it.

        Each element is one RR: its text, or the list of its
        character-strings. :attr:`selected` tells which RR was chosen.
        Raises :class:`ParseError` with status ``ENORECORD`` or
        ``EMULTIPLE`` when the domain has no usable record, or the parse
        status of the only candidate (then ``error.selected`` is set).
        """
        items = [_rr(x) for x in rrs]
        ptr, sel, diags = _select(lib.mtasts_record_select, items,
                                  _flags(lenient))
        return cls._make(ptr, diags, sel)

    @classmethod
    def select_rdata(cls, rdatas: Sequence[bytes],
                     lenient: bool = False) -> "Record":
        """Like :meth:`select`, from the raw RDATA of each TXT RR (DNS
        wire format: length-prefixed character-strings)."""
        items = [_buf(x, "RDATA") for x in rdatas]
        ptr, sel, diags = _select(lib.mtasts_record_select_rdata, items,
                                  _flags(lenient))
        return cls._make(ptr, diags, sel)

    @classmethod
    def build(cls, id: Text, extensions: Extensions = ()) -> "Record":
        """Build a record from an id (1–32 letters or digits) and
        extension fields. Raises :class:`BuildError`."""
        return cls._build(None, id, extensions)

    def replace(self, id: Text) -> "Record":
        """A new record like this one with another id."""
        return type(self)._build(self._h, id, ())

    @classmethod
    def _build(cls, src: Optional[int], id: Text,
               extensions: Extensions) -> "Record":
        with _Builder(lib.mtasts_record_builder_new,
                      lib.mtasts_record_builder_free, src) as b, \
                _Diag() as d:
            st = lib.mtasts_record_builder_set_id(b.ptr, _cstr(id, "id"),
                                                  d.ptr)
            if st != 0:
                _check(st, d.read())
            _add_extensions(lib.mtasts_record_builder_add_extension, b,
                            extensions, d)
            out = c_void_p()
            st = lib.mtasts_record_builder_build(b.ptr, byref(out), d.ptr)
            diags = d.read()
            _check(st, diags)
        return cls._make(out.value, diags)

    @property
    def id(self) -> str:
        """The policy id (compare ids for equality only)."""
        return _text(_record_id(self._h))

    @property
    def extensions(self) -> Tuple[Tuple[str, str], ...]:
        """Extension fields as ``(name, value)`` pairs, in order."""
        return _tuple_pairs(lib.mtasts_record_extension_count,
                            lib.mtasts_record_extension_name,
                            lib.mtasts_record_extension_value, self._h)

    def format(self) -> str:
        """The canonical text, ``v=STSv1; id=…;``."""
        return self._format(0)

    def __repr__(self) -> str:
        if self.closed:
            return "<mtasts.Record (closed)>"
        return "<mtasts.Record id=%r>" % self.id


class TlsRpt(_Parsed):
    """A TLSRPTv1 TXT record of ``_smtp._tls.<domain>`` (RFC 8460 §3,
    ``mtasts_tlsrpt``)."""

    __slots__ = ()
    _free = lib.mtasts_tlsrpt_free
    _format_alloc = lib.mtasts_tlsrpt_format_alloc
    _equal = lib.mtasts_tlsrpt_equal

    @classmethod
    def parse(cls, text: Text, lenient: bool = False) -> "TlsRpt":
        """Parse the text of one TLSRPTv1 record. Raises
        :class:`ParseError`."""
        return cls._parsed(_tlsrpt_parse, text, lenient)

    @classmethod
    def select(cls, rrs: Sequence[RR], lenient: bool = False) -> "TlsRpt":
        """Choose the TLSRPTv1 record among a TXT RRset and parse it (see
        :meth:`Record.select`)."""
        items = [_rr(x) for x in rrs]
        ptr, sel, diags = _select(lib.mtasts_tlsrpt_select, items,
                                  _flags(lenient))
        return cls._make(ptr, diags, sel)

    @classmethod
    def select_rdata(cls, rdatas: Sequence[bytes],
                     lenient: bool = False) -> "TlsRpt":
        """Like :meth:`select`, from raw TXT RDATA (wire format)."""
        items = [_buf(x, "RDATA") for x in rdatas]
        ptr, sel, diags = _select(lib.mtasts_tlsrpt_select_rdata, items,
                                  _flags(lenient))
        return cls._make(ptr, diags, sel)

    @classmethod
    def build(cls, rua: Union[Text, Iterable[Text]],
              extensions: Extensions = ()) -> "TlsRpt":
        """Build a record from ``rua`` URIs (``mailto:`` or ``https:``,
        with ``,`` ``!`` ``;`` percent-encoded) and extension fields.
        URIs accepted with a warning (another scheme, mailto header
        fields) show in :attr:`warnings`. Raises :class:`BuildError`."""
        with _Builder(lib.mtasts_tlsrpt_builder_new,
                      lib.mtasts_tlsrpt_builder_free) as b, _Diag() as d:
            for uri in _strings(rua):
                st = lib.mtasts_tlsrpt_builder_add_rua(
                    b.ptr, _cstr(uri, "rua URI"), d.ptr)
                if st != 0:
                    _check(st, d.read())
            _add_extensions(lib.mtasts_tlsrpt_builder_add_extension, b,
                            extensions, d)
            out = c_void_p()
            st = lib.mtasts_tlsrpt_builder_build(b.ptr, byref(out), d.ptr)
            diags = d.read()
            _check(st, diags)
        return cls._make(out.value, diags)

    @property
    def rua(self) -> Tuple[str, ...]:
        """The ``rua`` URIs, exactly as written, in order."""
        h = self._h
        return tuple(_text(lib.mtasts_tlsrpt_rua(h, i))
                     for i in range(lib.mtasts_tlsrpt_rua_count(h)))

    @property
    def rua_schemes(self) -> Tuple[RuaScheme, ...]:
        """The scheme of each ``rua`` URI."""
        h = self._h
        return tuple(RuaScheme(lib.mtasts_tlsrpt_rua_scheme(h, i))
                     for i in range(lib.mtasts_tlsrpt_rua_count(h)))

    @property
    def extensions(self) -> Tuple[Tuple[str, str], ...]:
        """Extension fields as ``(name, value)`` pairs, in order."""
        return _tuple_pairs(lib.mtasts_tlsrpt_extension_count,
                            lib.mtasts_tlsrpt_extension_name,
                            lib.mtasts_tlsrpt_extension_value, self._h)

    def format(self) -> str:
        """The canonical text, ``v=TLSRPTv1; rua=…``."""
        return self._format(0)

    def __repr__(self) -> str:
        if self.closed:
            return "<mtasts.TlsRpt (closed)>"
        return "<mtasts.TlsRpt rua=%r>" % (self.rua,)


__all__ = ["Policy", "Record", "TlsRpt", "Extensions", "RR"]
