# SPDX-License-Identifier: MIT
"""Loading of ``libmtasts.so.1`` and the ctypes prototype of every function.

Lookup order:

1. the environment variable ``MTASTS_LIBRARY``: the full path of the shared
   object (the build directory in tests). If it is set and cannot be
   loaded, the import fails: there is no silent fallback to another copy;
2. the SONAME ``libmtasts.so.1`` through the system loader
   (``LD_LIBRARY_PATH``, the ld.so cache);
3. ``ctypes.util.find_library("mtasts")`` (other platforms' names).

The unversioned ``libmtasts.so`` is never loaded: it belongs to the
development package and may point at another major version.

Every function the binding calls is declared below with its ``argtypes``
and ``restype``; nothing is ever called with ctypes' default conversions.
Handles are ``c_void_p``; borrowed strings come back as ``c_char_p`` (ctypes
copies them into ``bytes`` at once); strings the library allocates for the
caller (``*_format_alloc``) come back in a ``c_char_p`` out-parameter whose
``.value`` is a copy, after which the pointer it still holds is released
with ``mtasts_free()``, never with libc ``free()``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (
    POINTER,
    c_char_p,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_uint32,
    c_void_p,
)
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = [
    "ENV_VAR",
    "REQUIRED_VERSION",
    "SONAME",
    "lib",
    "library_path",
    "check_version",
    "version_string_of",
]

#: Environment variable naming the shared object to load (a full path).
ENV_VAR = "MTASTS_LIBRARY"

#: The SONAME of the 1.x series.
SONAME = "libmtasts.so.1"

#: The oldest library this binding works with, as ``0xMMmmuu``.
REQUIRED_VERSION = 0x010000

_vp = c_void_p
_pvp = POINTER(c_void_p)
_sz = c_size_t
_psz = POINTER(c_size_t)
_cp = c_char_p
_pcp = POINTER(c_char_p)

# name: (restype, argtypes). Keep in the order of include/mtasts.h.
_PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    # version
    "mtasts_version": (c_uint, []),
    "mtasts_version_string": (_cp, []),
    # status codes
    "mtasts_strerror": (_cp, [c_int]),
    "mtasts_status_name": (_cp, [c_int]),
    # diagnostics
    "mtasts_diag_new": (c_int, [_pvp]),
    "mtasts_diag_free": (None, [_vp]),
    "mtasts_diag_clear": (None, [_vp]),
    "mtasts_diag_count": (_sz, [_vp]),
    "mtasts_diag_error_count": (_sz, [_vp]),
    "mtasts_diag_code": (c_int, [_vp, _sz]),
    "mtasts_diag_severity": (c_int, [_vp, _sz]),
    "mtasts_diag_line": (c_uint, [_vp, _sz]),
    "mtasts_diag_column": (c_uint, [_vp, _sz]),
    "mtasts_diag_offset": (_sz, [_vp, _sz]),
    "mtasts_diag_message": (_cp, [_vp, _sz]),
    "mtasts_diag_code_name": (_cp, [c_int]),
    "mtasts_severity_name": (_cp, [c_int]),
    # STSv1 record
    "mtasts_record_parse": (c_int, [_pvp, _cp, _sz, c_uint, _vp]),
    "mtasts_record_select": (c_int, [_pvp, _psz, _pcp, _psz, _sz, c_uint, _vp]),
    "mtasts_record_select_rdata": (
        c_int, [_pvp, _psz, _pcp, _psz, _sz, c_uint, _vp]),
    "mtasts_record_free": (None, [_vp]),
    "mtasts_record_id": (_cp, [_vp]),
    "mtasts_record_extension_count": (_sz, [_vp]),
    "mtasts_record_extension_name": (_cp, [_vp, _sz]),
    "mtasts_record_extension_value": (_cp, [_vp, _sz]),
    "mtasts_record_equal": (c_int, [_vp, _vp]),
    "mtasts_record_format_alloc": (c_int, [_vp, c_uint, _pcp]),
    # STSv1 record builder
    "mtasts_record_builder_new": (c_int, [_pvp, _vp]),
    "mtasts_record_builder_free": (None, [_vp]),
    "mtasts_record_builder_set_id": (c_int, [_vp, _cp, _vp]),
    "mtasts_record_builder_add_extension": (c_int, [_vp, _cp, _cp, _vp]),
    "mtasts_record_builder_build": (c_int, [_vp, _pvp, _vp]),
    # TLSRPTv1 record
    "mtasts_tlsrpt_parse": (c_int, [_pvp, _cp, _sz, c_uint, _vp]),
    "mtasts_tlsrpt_select": (c_int, [_pvp, _psz, _pcp, _psz, _sz, c_uint, _vp]),
    "mtasts_tlsrpt_select_rdata": (
        c_int, [_pvp, _psz, _pcp, _psz, _sz, c_uint, _vp]),
    "mtasts_tlsrpt_free": (None, [_vp]),
    "mtasts_tlsrpt_rua_count": (_sz, [_vp]),
    "mtasts_tlsrpt_rua": (_cp, [_vp, _sz]),
    "mtasts_tlsrpt_rua_scheme": (c_int, [_vp, _sz]),
    "mtasts_tlsrpt_extension_count": (_sz, [_vp]),
    "mtasts_tlsrpt_extension_name": (_cp, [_vp, _sz]),
    "mtasts_tlsrpt_extension_value": (_cp, [_vp, _sz]),
    "mtasts_tlsrpt_equal": (c_int, [_vp, _vp]),
    "mtasts_tlsrpt_format_alloc": (c_int, [_vp, c_uint, _pcp]),
    # TLSRPTv1 record builder
    "mtasts_tlsrpt_builder_new": (c_int, [_pvp, _vp]),
    "mtasts_tlsrpt_builder_free": (None, [_vp]),
    "mtasts_tlsrpt_builder_add_rua": (c_int, [_vp, _cp, _vp]),
    "mtasts_tlsrpt_builder_add_extension": (c_int, [_vp, _cp, _cp, _vp]),
    "mtasts_tlsrpt_builder_build": (c_int, [_vp, _pvp, _vp]),
    # report types
    "mtasts_result_type_name": (_cp, [c_int]),
    "mtasts_result_type_from_name": (c_int, [_cp]),
    "mtasts_policy_type_name": (_cp, [c_int]),
    "mtasts_policy_type_from_name": (c_int, [_cp]),
    "mtasts_status_result_type": (c_int, [c_int]),
    # ids
    "mtasts_id_from_time": (c_int, [_cp, _sz, c_int64]),
    "mtasts_id_check": (c_int, [_cp]),
    "mtasts_id_next": (c_int, [_cp, _sz, _cp, _vp, _vp, c_int64]),
    # policy
    "mtasts_policy_parse": (c_int, [_pvp, _cp, _sz, c_uint, _vp]),
    "mtasts_policy_free": (None, [_vp]),
    "mtasts_policy_mode": (c_int, [_vp]),
    "mtasts_policy_max_age": (c_uint32, [_vp]),
    "mtasts_policy_mx_count": (_sz, [_vp]),
    "mtasts_policy_mx": (_cp, [_vp, _sz]),
    "mtasts_policy_extension_count": (_sz, [_vp]),
    "mtasts_policy_extension_name": (_cp, [_vp, _sz]),
    "mtasts_policy_extension_value": (_cp, [_vp, _sz]),
    "mtasts_policy_equal": (c_int, [_vp, _vp]),
    "mtasts_policy_format_alloc": (c_int, [_vp, c_uint, _pcp]),
    "mtasts_mode_name": (_cp, [c_int]),
    "mtasts_mode_from_name": (c_int, [_cp]),
    # policy builder
    "mtasts_policy_builder_new": (c_int, [_pvp, _vp]),
    "mtasts_policy_builder_free": (None, [_vp]),
    "mtasts_policy_builder_set_mode": (c_int, [_vp, c_int]),
    "mtasts_policy_builder_set_max_age": (c_int, [_vp, c_uint32]),
    "mtasts_policy_builder_add_mx": (c_int, [_vp, _cp, _vp]),
    "mtasts_policy_builder_clear_mx": (None, [_vp]),
    "mtasts_policy_builder_add_extension": (c_int, [_vp, _cp, _cp, _vp]),
    "mtasts_policy_builder_build": (c_int, [_vp, _pvp, _vp]),
    # lint
    "mtasts_lint_new": (c_int, [_pvp]),
    "mtasts_lint_free": (None, [_vp]),
    "mtasts_lint_set_domain": (c_int, [_vp, _cp]),
    "mtasts_lint_set_record": (c_int, [_vp, _vp]),
    "mtasts_lint_set_tlsrpt": (c_int, [_vp, _vp]),
    "mtasts_lint_set_mx_hosts": (c_int, [_vp, _pcp, _sz]),
    "mtasts_lint_set_previous": (c_int, [_vp, _vp, _vp]),
    "mtasts_lint_policy": (c_int, [_vp, _vp, _vp]),
    "mtasts_lint_policy_text": (c_int, [_vp, _cp, _sz, c_uint, _vp]),
    "mtasts_policy_equivalent": (c_int, [_vp, _vp]),
    # mx patterns and matching
    "mtasts_mx_pattern_check": (c_int, [_cp, _vp]),
    "mtasts_mx_match": (c_int, [_cp, _cp]),
    "mtasts_policy_match": (c_int, [_vp, _cp, _psz]),
    # memory
    "mtasts_free": (None, [_vp]),
}


def version_string_of(hexversion: int) -> str:
    """Render ``0xMMmmuu`` as ``"M.m.u"``."""
    return "%d.%d.%d" % ((hexversion >> 16) & 0xFF, (hexversion >> 8) & 0xFF,
                         hexversion & 0xFF)


def _load() -> Tuple[ctypes.CDLL, str]:
    path = os.environ.get(ENV_VAR)
    if path:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            raise ImportError(
                "mtasts: cannot load the library named by $%s (%s): %s"
                % (ENV_VAR, path, e)) from e
    errors = []
    try:
        return ctypes.CDLL(SONAME), SONAME
    except OSError as e:
        errors.append(str(e))
    found: Optional[str] = ctypes.util.find_library("mtasts")
    if found:
        try:
            return ctypes.CDLL(found), found
        except OSError as e:
            errors.append(str(e))
    raise ImportError(
        "mtasts: cannot find %s (install libmtasts, or set $%s to the full "
        "path of the shared object): %s"
        % (SONAME, ENV_VAR, "; ".join(errors) or "not found"))


def check_version(library: Any = None,
                  required: Optional[int] = None) -> int:
    """Fail with ImportError when the run-time library is too old.

    ``library`` defaults to the loaded library and ``required`` to
    :data:`REQUIRED_VERSION` (read at call time, so a test can change it).
    A library of another major version is refused as well: its ABI is not
    the one declared here. Returns the run-time version.
    """
    if library is None:
        library = lib
    if required is None:
        required = REQUIRED_VERSION
    func = library.mtasts_version
    func.argtypes = []
    func.restype = c_uint
    have = int(func())
    if have < required or (have >> 16) != (required >> 16):
        raise ImportError(
            "mtasts: the binding needs libmtasts %s or a later 1.x "
            "(0x%06x); the library loaded from %s is %s (0x%06x)"
            % (version_string_of(required), required,
               getattr(library, "_name", "?"), version_string_of(have), have))
    return have


def _declare(library: ctypes.CDLL, names: Sequence[str]) -> None:
    for name in names:
        restype, argtypes = _PROTOTYPES[name]
        try:
            func = getattr(library, name)
        except AttributeError as e:
            raise ImportError(
                "mtasts: the library %s lacks %s; it is older than the "
                "binding expects" % (library._name, name)) from e
        func.argtypes = argtypes
        func.restype = restype


lib, library_path = _load()
check_version(lib)
_declare(lib, list(_PROTOTYPES))
