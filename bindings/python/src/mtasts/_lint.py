# SPDX-License-Identifier: MIT
"""Linting a published policy against what is known about the domain."""

from __future__ import annotations

from ctypes import byref, c_char_p, c_void_p
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Tuple, Union

from ._common import (
    PARSE_LENIENT,
    Diagnostic,
    Handle,
    Severity,
    Status,
    Text,
    _buf,
    _cstr,
    _Diag,
    _raise_plain,
    strerror,
)
from ._lib import lib
from ._objects import Policy, Record, TlsRpt


class _Unset:
    """Marker for "not known" (as opposed to None: "known to be absent")."""

    _instance: Optional["_Unset"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


#: Default of the ``record`` and ``tlsrpt`` arguments: nothing is known,
#: so the checks that need it are skipped. Pass None to say that the
#: domain publishes no usable record.
UNSET: Any = _Unset()


@dataclass(frozen=True)
class LintResult:
    """What :meth:`Lint.lint` found.

    ``ok`` is False when some finding has severity error (status
    ``ELINT``) or, for :meth:`Lint.lint_text`, when the text did not parse
    (``status`` is then the parse status). ``diagnostics`` holds every
    finding (and the parse diagnostics for ``lint_text``).
    """

    ok: bool
    status: int
    diagnostics: Tuple[Diagnostic, ...]

    @property
    def errors(self) -> Tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics
                     if d.severity == Severity.ERROR)

    @property
    def warnings(self) -> Tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics
                     if d.severity == Severity.WARNING)

    @property
    def notes(self) -> Tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics
                     if d.severity == Severity.NOTE)


def _invalid(st: int, what: str) -> None:
    if st == Status.ENOMEM:
        raise MemoryError(strerror(st))
    raise ValueError("%s: %s" % (what, strerror(st)))


class Lint(Handle):
    """A lint context (``mtasts_lint``): what is known about the domain
    besides its policy. Each piece is optional; a check that needs a piece
    that was not given is skipped.

    ``domain``: the Policy Domain. ``record``/``tlsrpt``: the selected
    :class:`Record`/:class:`TlsRpt`, or None when the domain publishes
    none. ``mx_hosts``: the MX host names from DNS (an empty list: no MX
    records, mail goes to the domain itself). ``previous``: the
    ``(policy, record)`` published before, to check that a changed policy
    comes with a new id.
    """

    __slots__ = ()
    _free = lib.mtasts_lint_free

    def __init__(self, domain: Optional[Text] = None, *,
                 record: Optional[Record] = UNSET,
                 tlsrpt: Optional[TlsRpt] = UNSET,
                 mx_hosts: Optional[Iterable[Text]] = None,
                 previous: Optional[Tuple[Policy, Record]] = None) -> None:
        p = c_void_p()
        st = lib.mtasts_lint_new(byref(p))
        if st != 0:
            _raise_plain(st)
        self._ptr = p.value
        if domain is not None:
            self.set_domain(domain)
        if record is not UNSET:
            self.set_record(record)
        if tlsrpt is not UNSET:
            self.set_tlsrpt(tlsrpt)
        if mx_hosts is not None:
            self.set_mx_hosts(mx_hosts)
        if previous is not None:
            self.set_previous(*previous)

    def __reduce__(self) -> Any:
        raise TypeError("a Lint context cannot be copied or pickled")

    def set_domain(self, domain: Text) -> None:
        """Set the Policy Domain (a host name; one trailing dot allowed)."""
        st = lib.mtasts_lint_set_domain(self._h, _cstr(domain, "domain"))
        if st != 0:
            _invalid(st, "invalid domain %r" % (domain,))

    def set_record(self, record: Optional[Record]) -> None:
        """Set the ``_mta-sts`` record (None: the domain has none)."""
        if record is not None and not isinstance(record, Record):
            raise TypeError("record must be a Record or None")
        st = lib.mtasts_lint_set_record(
            self._h, None if record is None else record._h)
        if st != 0:
            _invalid(st, "cannot set the record")

    def set_tlsrpt(self, tlsrpt: Optional[TlsRpt]) -> None:
        """Set the ``_smtp._tls`` record (None: the domain has none)."""
        if tlsrpt is not None and not isinstance(tlsrpt, TlsRpt):
            raise TypeError("tlsrpt must be a TlsRpt or None")
        st = lib.mtasts_lint_set_tlsrpt(
            self._h, None if tlsrpt is None else tlsrpt._h)
        if st != 0:
            _invalid(st, "cannot set the TLSRPT record")

    def set_mx_hosts(self, hosts: Iterable[Text]) -> None:
        """Set the MX host names, replacing any earlier list."""
        if isinstance(hosts, (str, bytes)):
            hosts = [hosts]
        items = [_cstr(h, "MX host") for h in hosts]
        arr = (c_char_p * len(items))(*items)
        st = lib.mtasts_lint_set_mx_hosts(self._h, arr, len(items))
        if st != 0:
            _invalid(st, "invalid MX host list %r" % (items,))

    def set_previous(self, policy: Policy, record: Record) -> None:
        """Set the policy and record published before this one."""
        if not isinstance(policy, Policy) or not isinstance(record, Record):
            raise TypeError("previous must be a (Policy, Record) pair")
        st = lib.mtasts_lint_set_previous(self._h, policy._h, record._h)
        if st != 0:
            _invalid(st, "cannot set the previous policy")

    def lint(self, policy: Policy) -> LintResult:
        """Lint a policy; one diagnostic per finding."""
        if not isinstance(policy, Policy):
            raise TypeError("lint() needs a Policy (lint_text() takes text)")
        with _Diag() as d:
            st = lib.mtasts_lint_policy(self._h, policy._h, d.ptr)
            diags = d.read()
        if st not in (0, Status.ELINT):
            _raise_plain(st, diags)
        return LintResult(st == 0, Status(st), tuple(diags))

    def lint_text(self, text: Text, lenient: bool = False) -> LintResult:
        """Parse a policy text and lint it: the parse diagnostics, then the
        findings, in one list. A text that does not parse gives ``ok``
        False and the parse status."""
        b = _buf(text)
        with _Diag() as d:
            st = lib.mtasts_lint_policy_text(
                self._h, b, len(b), PARSE_LENIENT if lenient else 0, d.ptr)
            diags = d.read()
        if st in (Status.ENOMEM, Status.EINVAL):
            _raise_plain(st, diags)
        try:
            status: int = Status(st)
        except ValueError:
            status = st
        return LintResult(st == 0, status, tuple(diags))

    def __repr__(self) -> str:
        return "<mtasts.Lint%s>" % (" (closed)" if self.closed else "")


def lint(policy: Union[Policy, Text], domain: Optional[Text] = None, *,
         record: Optional[Record] = UNSET, tlsrpt: Optional[TlsRpt] = UNSET,
         mx_hosts: Optional[Iterable[Text]] = None,
         previous: Optional[Tuple[Policy, Record]] = None,
         lenient: bool = False) -> LintResult:
    """Lint a :class:`Policy` (or a policy text) in one call; the keyword
    arguments are those of :class:`Lint`."""
    with Lint(domain, record=record, tlsrpt=tlsrpt, mx_hosts=mx_hosts,
              previous=previous) as ctx:
        if isinstance(policy, Policy):
            return ctx.lint(policy)
        return ctx.lint_text(policy, lenient)


__all__ = ["Lint", "LintResult", "lint", "UNSET"]
