# SPDX-License-Identifier: MIT
"""Free functions: versions, mx patterns, ids, and generate()."""

from __future__ import annotations

import datetime
import operator
import time
from ctypes import create_string_buffer
from dataclasses import dataclass
from typing import Iterable, List, NamedTuple, Optional, Tuple, Union

from ._common import (
    _INT64_MAX,
    _INT64_MIN,
    BuildError,
    Diagnostic,
    Mode,
    Status,
    Text,
    _cstr,
    _Diag,
    _raise_plain,
)
from ._lib import lib
from ._objects import Policy, Record, TlsRpt

_mx_match = lib.mtasts_mx_match

#: ``MTASTS_ID_MAX_LEN``.
ID_MAX_LEN = 32


def version() -> int:
    """The run-time library version as ``0xMMmmuu``."""
    return int(lib.mtasts_version())


def version_string() -> str:
    """The run-time library version, e.g. ``"1.0.0"``."""
    text: bytes = lib.mtasts_version_string()
    return text.decode("ascii")


def mx_match(pattern: Text, host: Text) -> bool:
    """Whether ``host`` matches one ``mx`` pattern (an invalid pattern
    never matches)."""
    return bool(_mx_match(_cstr(pattern, "pattern"), _cstr(host, "host"))
                == 1)


def mx_pattern_check(pattern: Text) -> List[Diagnostic]:
    """Check an ``mx`` pattern (``["*."] Domain``, RFC 8461 §3.2).

    Returns the problems found (line 1, column within the pattern): an
    empty list when the pattern is valid.
    """
    with _Diag() as d:
        st = lib.mtasts_mx_pattern_check(_cstr(pattern, "pattern"), d.ptr)
        diags = d.read()
    if st not in (0, Status.EMX):
        _raise_plain(st, diags)
    return diags


Time = Union[int, float, datetime.datetime]


def _unix_time(t: Time) -> int:
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous: give tzinfo")
        t = t.timestamp()
    if isinstance(t, float):
        t = int(t // 1)
    v = operator.index(t)
    if not _INT64_MIN <= v <= _INT64_MAX:
        raise ValueError("time out of range: %d" % v)
    return v


def id_from_time(t: Time) -> str:
    """An id ``YYYYMMDDHHMMSS`` (UTC) from seconds since the epoch or an
    aware datetime. Raises ValueError outside 1970…9999."""
    v = _unix_time(t)
    buf = create_string_buffer(ID_MAX_LEN + 1)
    n = lib.mtasts_id_from_time(buf, len(buf), v)
    if n < 0:
        raise ValueError("time out of range for an id: %d" % v)
    return buf.value.decode("ascii")


def id_check(id: Text) -> bool:
    """Whether ``id`` is a valid record id: 1–32 ASCII letters or
    digits."""
    try:
        b = _cstr(id, "id")
    except ValueError:  # an embedded NUL: not an id
        return False
    return bool(lib.mtasts_id_check(b) == 0)


class IdDecision(NamedTuple):
    """The result of :func:`id_next`."""

    #: The id to publish.
    id: str
    #: True when it is a new id, False when the old one is still right.
    new: bool


def id_next(new_policy: Policy, now: Optional[Time] = None,
            old_id: Optional[Text] = None,
            old_policy: Optional[Policy] = None) -> IdDecision:
    """Decide which id ``new_policy`` is published under (R-04).

    Keeps ``old_id`` when ``new_policy`` is equivalent to ``old_policy``;
    otherwise an id from ``now`` (default: the current time) that differs
    from ``old_id``.
    """
    if not isinstance(new_policy, Policy):
        raise TypeError("new_policy must be a Policy")
    if old_policy is not None and not isinstance(old_policy, Policy):
        raise TypeError("old_policy must be a Policy or None")
    v = _unix_time(time.time() if now is None else now)
    buf = create_string_buffer(ID_MAX_LEN + 1)
    st = lib.mtasts_id_next(
        buf, len(buf), None if old_id is None else _cstr(old_id, "old_id"),
        None if old_policy is None else old_policy._h, new_policy._h, v)
    if st < 0:
        raise ValueError("cannot make an id for the time %d" % v)
    return IdDecision(buf.value.decode("ascii"), st == 1)


@dataclass(frozen=True)
class Generated:
    """What a domain publishes for MTA-STS, from :func:`generate`."""

    domain: str
    id: str
    #: ``_mta-sts.<domain>.`` and its TXT value.
    record_name: str
    record_text: str
    #: ``https://mta-sts.<domain>/.well-known/mta-sts.txt``
    policy_url: str
    #: ``mta-sts.<domain>``: the host the certificate must cover.
    policy_host: str
    #: The canonical policy file (CRLF line ends).
    policy_text: str
    #: ``_smtp._tls.<domain>.`` and its TXT value.
    tlsrpt_name: str
    tlsrpt_text: str
    #: Warnings of the builders (e.g. a ``rua`` scheme no report can use).
    warnings: Tuple[Diagnostic, ...]


def generate(domain: str, mx: Union[Text, Iterable[Text]],
             mode: Union[Mode, int, str] = Mode.TESTING,
             max_age: int = 604800,
             rua: Union[Text, Iterable[Text], None] = None,
             id: Optional[Text] = None,
             now: Optional[Time] = None) -> Generated:
    """Build the policy, the ``_mta-sts`` record and the ``_smtp._tls``
    record of a domain, as ``mtasts generate`` does.

    ``id`` defaults to :func:`id_from_time` of ``now`` (default: the
    current time); ``rua`` to ``mailto:tlsrpt@<domain>``. Raises
    :class:`BuildError` for a value the library refuses.
    """
    if not isinstance(domain, str):
        raise TypeError("domain must be str")
    name = domain[:-1] if domain.endswith(".") else domain
    name = name.encode("ascii", "replace").decode("ascii").lower()
    problems = [] if name.startswith("*") else mx_pattern_check(name)
    if name.startswith("*") or problems:
        raise BuildError(Status.EINVAL, problems,
                         "invalid domain %r: a host name is needed" % domain)
    if id is None:
        id = id_from_time(time.time() if now is None else now)
    if rua is None:
        rua = "mailto:tlsrpt@" + name
    with Policy.build(mode, max_age, mx) as policy, \
            Record.build(id) as record, TlsRpt.build(rua) as tlsrpt:
        return Generated(
            domain=name,
            id=record.id,
            record_name="_mta-sts.%s." % name,
            record_text=record.format(),
            policy_url="https://mta-sts.%s/.well-known/mta-sts.txt" % name,
            policy_host="mta-sts." + name,
            policy_text=policy.format(),
            tlsrpt_name="_smtp._tls.%s." % name,
            tlsrpt_text=tlsrpt.format(),
            warnings=policy.warnings + record.warnings + tlsrpt.warnings,
        )


__all__ = [
    "version", "version_string", "mx_match", "mx_pattern_check",
    "id_from_time", "id_check", "id_next", "IdDecision", "Generated",
    "generate", "ID_MAX_LEN",
]
