# SPDX-License-Identifier: MIT
"""Python binding of libmtasts: MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).

A thin ``ctypes`` layer over the C library ``libmtasts.so.1``: every parse,
check, match and format is the library's; this package only converts
arguments and results and manages the C objects' lifetime.

>>> import mtasts
>>> with mtasts.Policy.parse("version: STSv1\\nmode: enforce\\n"
...                          "mx: *.example.net\\nmax_age: 86400\\n") as p:
...     p.mode, p.matches("mx1.example.net."), p.match("a.b.example.net")
(<Mode.ENFORCE: 3>, True, None)

The library is found through ``$MTASTS_LIBRARY`` (a full path), else the
system loader (``libmtasts.so.1``). Importing fails with ImportError when it
cannot be loaded or is older than this binding needs.
"""

from ._lib import REQUIRED_VERSION, library_path
from ._common import (
    BuildError,
    DiagCode,
    Diagnostic,
    Handle,
    Mode,
    MtastsError,
    ParseError,
    PolicyType,
    ResultType,
    RuaScheme,
    Severity,
    Status,
    result_type_for_status,
    status_name,
    strerror,
)
from ._objects import Policy, Record, TlsRpt
from ._lint import UNSET, Lint, LintResult, lint
from ._misc import (
    ID_MAX_LEN,
    Generated,
    IdDecision,
    generate,
    id_check,
    id_from_time,
    id_next,
    mx_match,
    mx_pattern_check,
    version,
    version_string,
)

#: Version of this binding.
__version__ = "1.0.0"

#: ``MTASTS_MAX_AGE_MAX``: the largest ``max_age`` (31557600 s).
MAX_AGE_MAX = 31557600

__all__ = [
    "BuildError",
    "DiagCode",
    "Diagnostic",
    "Generated",
    "Handle",
    "ID_MAX_LEN",
    "IdDecision",
    "Lint",
    "LintResult",
    "MAX_AGE_MAX",
    "Mode",
    "MtastsError",
    "ParseError",
    "Policy",
    "PolicyType",
    "REQUIRED_VERSION",
    "Record",
    "ResultType",
    "RuaScheme",
    "Severity",
    "Status",
    "TlsRpt",
    "UNSET",
    "generate",
    "id_check",
    "id_from_time",
    "id_next",
    "library_path",
    "lint",
    "mx_match",
    "mx_pattern_check",
    "result_type_for_status",
    "status_name",
    "strerror",
    "version",
    "version_string",
]
