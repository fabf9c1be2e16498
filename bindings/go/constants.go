// SPDX-License-Identifier: MIT

package mtasts

// Every constant below takes its value from mtasts.h, so that the binding
// cannot drift from the header it was compiled against.

// #include <mtasts.h>
import "C"

// Status is a libmtasts status code (enum mtasts_status). Every failure
// status is also an error: a *ParseError unwraps to its Status, so
// errors.Is(err, mtasts.ErrSyntax) tells what went wrong.
type Status int

// Status codes (mtasts.h, enum mtasts_status).
const (
	StatusOK    Status = C.MTASTS_OK        // success; never returned as an error
	ErrNoMem    Status = C.MTASTS_ENOMEM    // memory allocation failed
	ErrInvalid  Status = C.MTASTS_EINVAL    // invalid argument
	ErrSyntax   Status = C.MTASTS_ESYNTAX   // the input does not follow the grammar
	ErrTooLarge Status = C.MTASTS_ETOOLARGE // the input exceeds a size cap
	ErrVersion  Status = C.MTASTS_EVERSION  // version tag or field missing or wrong
	ErrID       Status = C.MTASTS_EID       // no valid record id
	ErrMode     Status = C.MTASTS_EMODE     // no valid policy mode
	ErrMaxAge   Status = C.MTASTS_EMAXAGE   // no valid max_age
	ErrMX       Status = C.MTASTS_EMX       // an invalid mx pattern, or none where one is required
	ErrNoRecord Status = C.MTASTS_ENORECORD // RRset selection: no record with the version tag
	ErrMultiple Status = C.MTASTS_EMULTIPLE // RRset selection: more than one record
	ErrRUA      Status = C.MTASTS_ERUA      // TLSRPTv1: no rua, or an invalid rua URI
	ErrLint     Status = C.MTASTS_ELINT     // linting found at least one error
)

// Severity is the severity of a diagnostic (enum mtasts_severity).
type Severity int

// Severities.
const (
	SeverityError   Severity = C.MTASTS_SEVERITY_ERROR
	SeverityWarning Severity = C.MTASTS_SEVERITY_WARNING
	SeverityNote    Severity = C.MTASTS_SEVERITY_NOTE
)

// Mode is the mode of a policy (enum mtasts_mode).
type Mode int

// Policy modes.
const (
	ModeNone    Mode = C.MTASTS_MODE_NONE
	ModeTesting Mode = C.MTASTS_MODE_TESTING
	ModeEnforce Mode = C.MTASTS_MODE_ENFORCE
)

// RUAScheme is the scheme of a TLSRPTv1 rua URI (enum mtasts_rua_scheme).
type RUAScheme int

// rua URI schemes.
const (
	RUAMailto RUAScheme = C.MTASTS_RUA_MAILTO // reports are mailed
	RUAHTTPS  RUAScheme = C.MTASTS_RUA_HTTPS  // reports are POSTed
	RUAOther  RUAScheme = C.MTASTS_RUA_OTHER  // valid syntax, but unusable for reports
)

// ResultType is a STARTTLS validation result type of an RFC 8460 report
// (enum mtasts_result_type). 0 means "nothing to report".
type ResultType int

// Result types (RFC 8460 §4.3).
const (
	ResultStartTLSNotSupported    ResultType = C.MTASTS_RESULT_STARTTLS_NOT_SUPPORTED
	ResultCertificateHostMismatch ResultType = C.MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH
	ResultCertificateExpired      ResultType = C.MTASTS_RESULT_CERTIFICATE_EXPIRED
	ResultCertificateNotTrusted   ResultType = C.MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED
	ResultValidationFailure       ResultType = C.MTASTS_RESULT_VALIDATION_FAILURE
	ResultTLSAInvalid             ResultType = C.MTASTS_RESULT_TLSA_INVALID
	ResultDNSSECInvalid           ResultType = C.MTASTS_RESULT_DNSSEC_INVALID
	ResultDANERequired            ResultType = C.MTASTS_RESULT_DANE_REQUIRED
	ResultSTSPolicyFetchError     ResultType = C.MTASTS_RESULT_STS_POLICY_FETCH_ERROR
	ResultSTSPolicyInvalid        ResultType = C.MTASTS_RESULT_STS_POLICY_INVALID
	ResultSTSWebPKIInvalid        ResultType = C.MTASTS_RESULT_STS_WEBPKI_INVALID
)

// PolicyType is the policy type of an RFC 8460 report (enum
// mtasts_policy_type).
type PolicyType int

// Policy types (RFC 8460 §4.4).
const (
	PolicyTypeSTS           PolicyType = C.MTASTS_POLICY_TYPE_STS
	PolicyTypeTLSA          PolicyType = C.MTASTS_POLICY_TYPE_TLSA
	PolicyTypeNoPolicyFound PolicyType = C.MTASTS_POLICY_TYPE_NO_POLICY_FOUND
)

// Size caps and other limits (mtasts.h, "Size caps").
const (
	PolicyMaxSize    = C.MTASTS_POLICY_MAX_SIZE
	PolicyMaxLine    = C.MTASTS_POLICY_MAX_LINE
	PolicyMaxMX      = C.MTASTS_POLICY_MAX_MX
	MaxExtensions    = C.MTASTS_MAX_EXTENSIONS
	RecordMaxSize    = C.MTASTS_RECORD_MAX_SIZE
	RRsetMax         = C.MTASTS_RRSET_MAX
	HostMax          = C.MTASTS_HOST_MAX
	TLSRPTMaxRUA     = C.MTASTS_TLSRPT_MAX_RUA
	DiagMax          = C.MTASTS_DIAG_MAX
	IDMaxLen         = C.MTASTS_ID_MAX_LEN
	IDTimeLen        = C.MTASTS_ID_TIME_LEN
	MaxAgeMaxSeconds = C.MTASTS_MAX_AGE_MAX
)

// Code is a stable diagnostic code (enum mtasts_diag_code, registry in
// docs/diagnostics.md). Its String method gives the kebab-case name.
type Code int

// Diagnostic codes: 1xx input, 2xx TXT records and RRsets, 3xx policy
// files, 4xx mx patterns, 5xx TLSRPT records, 6xx lint findings.
const (
	CodeTooLarge                Code = C.MTASTS_D_TOO_LARGE
	CodeLineTooLong             Code = C.MTASTS_D_LINE_TOO_LONG
	CodeTooManyMX               Code = C.MTASTS_D_TOO_MANY_MX
	CodeTooManyExtensions       Code = C.MTASTS_D_TOO_MANY_EXTENSIONS
	CodeEmpty                   Code = C.MTASTS_D_EMPTY
	CodeNULByte                 Code = C.MTASTS_D_NUL_BYTE
	CodeControlChar             Code = C.MTASTS_D_CONTROL_CHAR
	CodeNonASCII                Code = C.MTASTS_D_NON_ASCII
	CodeInvalidUTF8             Code = C.MTASTS_D_INVALID_UTF8
	CodeBOM                     Code = C.MTASTS_D_BOM
	CodeBareCR                  Code = C.MTASTS_D_BARE_CR
	CodeQuoted                  Code = C.MTASTS_D_QUOTED
	CodeOuterWhitespace         Code = C.MTASTS_D_OUTER_WHITESPACE
	CodeTooManyDiagnostics      Code = C.MTASTS_D_TOO_MANY_DIAGNOSTICS
	CodeTooManyRecords          Code = C.MTASTS_D_TOO_MANY_RECORDS
	CodeBadRDATA                Code = C.MTASTS_D_BAD_RDATA
	CodeTXTVersion              Code = C.MTASTS_D_TXT_VERSION
	CodeTXTNoFields             Code = C.MTASTS_D_TXT_NO_FIELDS
	CodeTXTEmptyField           Code = C.MTASTS_D_TXT_EMPTY_FIELD
	CodeTXTSyntax               Code = C.MTASTS_D_TXT_SYNTAX
	CodeTXTFieldName            Code = C.MTASTS_D_TXT_FIELD_NAME
	CodeTXTFieldValue           Code = C.MTASTS_D_TXT_FIELD_VALUE
	CodeTXTDuplicate            Code = C.MTASTS_D_TXT_DUPLICATE
	CodeTXTNameCase             Code = C.MTASTS_D_TXT_NAME_CASE
	CodeTXTSpaceBeforeSemicolon Code = C.MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON
	CodeRRsetNone               Code = C.MTASTS_D_RRSET_NONE
	CodeRRsetMultiple           Code = C.MTASTS_D_RRSET_MULTIPLE
	CodeRRsetDiscarded          Code = C.MTASTS_D_RRSET_DISCARDED
	CodeRecordIDMissing         Code = C.MTASTS_D_RECORD_ID_MISSING
	CodeRecordIDInvalid         Code = C.MTASTS_D_RECORD_ID_INVALID
	CodePolicyEmptyLine         Code = C.MTASTS_D_POLICY_EMPTY_LINE
	CodePolicyLeadingWhitespace Code = C.MTASTS_D_POLICY_LEADING_WHITESPACE
	CodePolicyNoColon           Code = C.MTASTS_D_POLICY_NO_COLON
	CodePolicySpaceBeforeColon  Code = C.MTASTS_D_POLICY_SPACE_BEFORE_COLON
	CodePolicyFieldName         Code = C.MTASTS_D_POLICY_FIELD_NAME
	CodePolicyNameCase          Code = C.MTASTS_D_POLICY_NAME_CASE
	CodePolicyExtensionValue    Code = C.MTASTS_D_POLICY_EXTENSION_VALUE
	CodePolicyDuplicate         Code = C.MTASTS_D_POLICY_DUPLICATE
	CodePolicyVersionMissing    Code = C.MTASTS_D_POLICY_VERSION_MISSING
	CodePolicyVersionInvalid    Code = C.MTASTS_D_POLICY_VERSION_INVALID
	CodePolicyModeMissing       Code = C.MTASTS_D_POLICY_MODE_MISSING
	CodePolicyModeInvalid       Code = C.MTASTS_D_POLICY_MODE_INVALID
	CodePolicyMaxAgeMissing     Code = C.MTASTS_D_POLICY_MAX_AGE_MISSING
	CodePolicyMaxAgeInvalid     Code = C.MTASTS_D_POLICY_MAX_AGE_INVALID
	CodePolicyMaxAgeRange       Code = C.MTASTS_D_POLICY_MAX_AGE_RANGE
	CodePolicyMXMissing         Code = C.MTASTS_D_POLICY_MX_MISSING
	CodeMXEmpty                 Code = C.MTASTS_D_MX_EMPTY
	CodeMXEmptyLabel            Code = C.MTASTS_D_MX_EMPTY_LABEL
	CodeMXLabelTooLong          Code = C.MTASTS_D_MX_LABEL_TOO_LONG
	CodeMXNameTooLong           Code = C.MTASTS_D_MX_NAME_TOO_LONG
	CodeMXHyphen                Code = C.MTASTS_D_MX_HYPHEN
	CodeMXInvalidChar           Code = C.MTASTS_D_MX_INVALID_CHAR
	CodeMXTrailingDot           Code = C.MTASTS_D_MX_TRAILING_DOT
	CodeMXWildcard              Code = C.MTASTS_D_MX_WILDCARD
	CodeMXULabel                Code = C.MTASTS_D_MX_U_LABEL
	CodeMXList                  Code = C.MTASTS_D_MX_LIST
	CodeMXPort                  Code = C.MTASTS_D_MX_PORT
	CodeTLSRPTRUAMissing        Code = C.MTASTS_D_TLSRPT_RUA_MISSING
	CodeTLSRPTRUAEmpty          Code = C.MTASTS_D_TLSRPT_RUA_EMPTY
	CodeTLSRPTURISyntax         Code = C.MTASTS_D_TLSRPT_URI_SYNTAX
	CodeTLSRPTURIReserved       Code = C.MTASTS_D_TLSRPT_URI_RESERVED
	CodeTLSRPTURIScheme         Code = C.MTASTS_D_TLSRPT_URI_SCHEME
	CodeTLSRPTMailto            Code = C.MTASTS_D_TLSRPT_MAILTO
	CodeTLSRPTHTTPS             Code = C.MTASTS_D_TLSRPT_HTTPS
	CodeTLSRPTMailtoHeaders     Code = C.MTASTS_D_TLSRPT_MAILTO_HEADERS
	CodeLintMXUncovered         Code = C.MTASTS_D_LINT_MX_UNCOVERED
	CodeLintPatternUnused       Code = C.MTASTS_D_LINT_PATTERN_UNUSED
	CodeLintWildcardSuffix      Code = C.MTASTS_D_LINT_WILDCARD_SUFFIX
	CodeLintSingleLabel         Code = C.MTASTS_D_LINT_SINGLE_LABEL
	CodeLintIPAddress           Code = C.MTASTS_D_LINT_IP_ADDRESS
	CodeLintMaxAgeShort         Code = C.MTASTS_D_LINT_MAX_AGE_SHORT
	CodeLintEnforceMaxAge       Code = C.MTASTS_D_LINT_ENFORCE_MAX_AGE
	CodeLintTestingMaxAge       Code = C.MTASTS_D_LINT_TESTING_MAX_AGE
	CodeLintNoneMaxAge          Code = C.MTASTS_D_LINT_NONE_MAX_AGE
	CodeLintModeTesting         Code = C.MTASTS_D_LINT_MODE_TESTING
	CodeLintModeNone            Code = C.MTASTS_D_LINT_MODE_NONE
	CodeLintNoTLSRPT            Code = C.MTASTS_D_LINT_NO_TLSRPT
	CodeLintNoRecord            Code = C.MTASTS_D_LINT_NO_RECORD
	CodeLintIDUnchanged         Code = C.MTASTS_D_LINT_ID_UNCHANGED
	CodeLintWildcardDomain      Code = C.MTASTS_D_LINT_WILDCARD_DOMAIN
	CodeLintMXDuplicate         Code = C.MTASTS_D_LINT_MX_DUPLICATE
	CodeLintMXRedundant         Code = C.MTASTS_D_LINT_MX_REDUNDANT
)
