/*
 * trace.c - the result types of the diagnostics: a connectivity check's
 * trace (hops, issues, verdict, probes) and a NIC's effective security rules.
 *
 * Nothing here decides anything: the walk and the commands fill these values
 * and the renderers read them.  The one computation is the hop ids, which
 * must be GUID-shaped like Azure's and yet deterministic, so that the same
 * query on the same model prints byte-identical output (goldens, diffs in CI).
 */
#include "config.h"

#include "trace.h"

#include <string.h>

const char *
vs_hop_type_name(VsHopType type)
{
	switch (type) {
	case VS_HOP_SOURCE:
		return "Source";
	case VS_HOP_VIRTUAL_APPLIANCE:
		return "VirtualAppliance";
	case VS_HOP_VNET_LOCAL:
		return "VnetLocal";
	case VS_HOP_INTERNET:
		return "Internet";
	case VS_HOP_VNET_GATEWAY:
		return "VirtualNetworkGateway";
	}
	g_return_val_if_reached("Unknown");
}

const char *
vs_issue_origin_name(VsIssueOrigin origin)
{
	switch (origin) {
	case VS_ORIGIN_INBOUND:
		return "Inbound";
	case VS_ORIGIN_OUTBOUND:
		return "Outbound";
	case VS_ORIGIN_LOCAL:
		return "Local";
	}
	g_return_val_if_reached("Local");
}

const char *
vs_issue_severity_name(VsIssueSeverity severity)
{
	return severity == VS_ISSUE_SEVERITY_WARNING ? "Warning" : "Error";
}

const char *
vs_issue_type_name(VsIssueType type)
{
	switch (type) {
	case VS_ISSUE_NETWORK_SECURITY_RULE:
		return "NetworkSecurityRule";
	case VS_ISSUE_USER_DEFINED_ROUTE:
		return "UserDefinedRoute";
	case VS_ISSUE_CPU:
		return "CPU";
	case VS_ISSUE_MEMORY:
		return "Memory";
	case VS_ISSUE_GUEST_FIREWALL:
		return "GuestFirewall";
	case VS_ISSUE_DNS_RESOLUTION:
		return "DnsResolution";
	case VS_ISSUE_NO_LISTENER:
		return "NoListenerOnDestination";
	case VS_ISSUE_AGENT_STOPPED:
		return "AgentStopped";
	case VS_ISSUE_SOCKET_BIND:
		return "SocketBind";
	case VS_ISSUE_PLATFORM:
		return "Platform";
	case VS_ISSUE_UNKNOWN:
		return "Unknown";
	}
	g_return_val_if_reached("Unknown");
}

/* ---------------------------------------------------------------- issues */

static void
issue_context_free(VsIssueContext *context)
{
	if (context == NULL)
		return;
	g_free(context->key);
	g_free(context->value);
	g_free(context);
}

VsIssue *
vs_issue_new(VsIssueOrigin origin, VsIssueSeverity severity, VsIssueType type)
{
	VsIssue *issue = g_new0(VsIssue, 1);

	issue->origin = origin;
	issue->severity = severity;
	issue->type = type;
	issue->context = g_ptr_array_new_with_free_func((GDestroyNotify)issue_context_free);
	return issue;
}

void
vs_issue_free(VsIssue *issue)
{
	if (issue == NULL)
		return;
	g_ptr_array_unref(issue->context);
	g_free(issue->detail);
	g_free(issue);
}

void
vs_issue_add_context(VsIssue *issue, const char *key, const char *value)
{
	VsIssueContext *context = g_new0(VsIssueContext, 1);

	context->key = g_strdup(key);
	context->value = g_strdup(value);
	g_ptr_array_add(issue->context, context);
}

const char *
vs_issue_context_value(const VsIssue *issue, const char *key)
{
	for (guint i = 0; i < issue->context->len; i++) {
		const VsIssueContext *context = g_ptr_array_index(issue->context, i);

		if (strcmp(context->key, key) == 0)
			return context->value;
	}
	return NULL;
}

/* ---------------------------------------------------------------- hops */

VsHop *
vs_hop_new(VsHopType type, VsIp4 address)
{
	VsHop *hop = g_new0(VsHop, 1);

	hop->type = type;
	hop->address = address;
	hop->issues = g_ptr_array_new_with_free_func((GDestroyNotify)vs_issue_free);
	hop->explain = g_ptr_array_new_with_free_func(g_free);
	return hop;
}

void
vs_hop_free(VsHop *hop)
{
	if (hop == NULL)
		return;
	g_free(hop->id);
	g_free(hop->resource_id);
	g_ptr_array_unref(hop->issues);
	g_ptr_array_unref(hop->explain);
	g_free(hop);
}

/* ---------------------------------------------------------------- traces */

VsTrace *
vs_trace_new(void)
{
	VsTrace *trace = g_new0(VsTrace, 1);

	trace->hops = g_ptr_array_new_with_free_func((GDestroyNotify)vs_hop_free);
	trace->notes = g_ptr_array_new_with_free_func(g_free);
	return trace;
}

void
vs_trace_free(VsTrace *trace)
{
	if (trace == NULL)
		return;
	g_free(trace->destination_text);
	g_ptr_array_unref(trace->hops);
	g_ptr_array_unref(trace->notes);
	g_free(trace);
}

VsHop *
vs_trace_add_hop(VsTrace *trace, VsHop *hop)
{
	g_ptr_array_add(trace->hops, hop);
	return hop;
}

gboolean
vs_trace_has_error(const VsTrace *trace)
{
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		for (guint j = 0; j < hop->issues->len; j++) {
			const VsIssue *issue = g_ptr_array_index(hop->issues, j);

			if (issue->severity == VS_ISSUE_SEVERITY_ERROR)
				return TRUE;
		}
	}
	return FALSE;
}

/*
 * SHA-1 (FIPS 180-4), computed here rather than with GChecksum: a check
 * hashes one short message per hop, and GChecksum's allocation and
 * bookkeeping cost more than the hashing.  The digests are the standard
 * ones (the render suite checks ids computed with Python's hashlib, the
 * answers suite compares with GChecksum).
 */
static guint32
rotate_left(guint32 value, guint bits)
{
	return (value << bits) | (value >> (32 - bits));
}

static void
sha1_block(guint32 state[5], const guint8 *block)
{
	guint32 w[16], a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];

	for (guint i = 0; i < 16; i++)
		w[i] = (guint32)block[4 * i] << 24 | (guint32)block[4 * i + 1] << 16 |
		       (guint32)block[4 * i + 2] << 8 | (guint32)block[4 * i + 3];
/* One round: the four stages differ only in f and k, so each gets its own loop.  The message
 * schedule is a ring of 16 words extended round by round (a separate pass over w[80] gets
 * vectorised by the compiler into loads that wait on the stores just before them). */
#define SHA1_WORD(i)                                                                               \
	((i) < 16                                                                                  \
		 ? w[(i)]                                                                          \
		 : (w[(i)&15] = rotate_left(                                                       \
			    w[((i)-3) & 15] ^ w[((i)-8) & 15] ^ w[((i)-14) & 15] ^ w[(i)&15], 1)))
#define SHA1_ROUND(f, k)                                                                           \
	do {                                                                                       \
		guint32 t = rotate_left(a, 5) + (f) + e + (k) + SHA1_WORD(i);                      \
		e = d;                                                                             \
		d = c;                                                                             \
		c = rotate_left(b, 30);                                                            \
		b = a;                                                                             \
		a = t;                                                                             \
	} while (0)
	for (guint i = 0; i < 20; i++)
		SHA1_ROUND((b & c) | (~b & d), 0x5a827999u);
	for (guint i = 20; i < 40; i++)
		SHA1_ROUND(b ^ c ^ d, 0x6ed9eba1u);
	for (guint i = 40; i < 60; i++)
		SHA1_ROUND((b & c) | (b & d) | (c & d), 0x8f1bbcdcu);
	for (guint i = 60; i < 80; i++)
		SHA1_ROUND(b ^ c ^ d, 0xca62c1d6u);
#undef SHA1_ROUND
#undef SHA1_WORD
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1

/*
 * The same compression with the x86 SHA extensions (SHA-NI): one
 * instruction per four rounds instead of some fifty.  The sequence is
 * Intel's (the SHA-NI white paper's sha1 example): rounds in steps of four,
 * the message schedule kept in four registers that rotate, sha1msg1 /
 * xor / sha1msg2 computing each next quarter of it.  Chosen at run time
 * (sha1_compress); the portable code above is the reference, and both are
 * checked against GChecksum by the render suite (valgrind hides the SHA
 * extensions, so check-valgrind runs the portable one).
 */
__attribute__((target("sha,sse4.1"))) static void
sha1_block_x86(guint32 state[5], const guint8 *block)
{
	const __m128i byte_swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0x1b);
	__m128i e[2] = {_mm_set_epi32((int)state[4], 0, 0, 0), _mm_setzero_si128()};
	__m128i msg[4];
	const __m128i abcd_before = abcd, e_before = e[0];

/* rounds 4j .. 4j + 3, with f and k of stage (4j) / 20 (an immediate, hence a macro) */
#define SHA1_STEP(j, stage)                                                                        \
	do {                                                                                       \
		__m128i *in = &e[(j) % 2], *out = &e[((j) + 1) % 2];                               \
		if ((j) < 4)                                                                       \
			msg[(j)] = _mm_shuffle_epi8(                                               \
				_mm_loadu_si128((const __m128i *)(block + 16 * (j))), byte_swap);  \
		*in = (j) == 0 ? _mm_add_epi32(*in, msg[0])                                        \
			       : _mm_sha1nexte_epu32(*in, msg[(j) % 4]);                           \
		*out = abcd;                                                                       \
		if ((j) >= 3 && (j) <= 18)                                                         \
			msg[((j) + 1) % 4] = _mm_sha1msg2_epu32(msg[((j) + 1) % 4], msg[(j) % 4]); \
		abcd = _mm_sha1rnds4_epu32(abcd, *in, stage);                                      \
		if ((j) >= 1 && (j) <= 16)                                                         \
			msg[((j) + 3) % 4] = _mm_sha1msg1_epu32(msg[((j) + 3) % 4], msg[(j) % 4]); \
		if ((j) >= 2 && (j) <= 17)                                                         \
			msg[((j) + 2) % 4] = _mm_xor_si128(msg[((j) + 2) % 4], msg[(j) % 4]);      \
	} while (0)
#pragma GCC unroll 5
	for (guint j = 0; j < 5; j++)
		SHA1_STEP(j, 0);
#pragma GCC unroll 5
	for (guint j = 5; j < 10; j++)
		SHA1_STEP(j, 1);
#pragma GCC unroll 5
	for (guint j = 10; j < 15; j++)
		SHA1_STEP(j, 2);
#pragma GCC unroll 5
	for (guint j = 15; j < 20; j++)
		SHA1_STEP(j, 3);
#undef SHA1_STEP
	/* after step 19 the last E is in e[0] (step 19 wrote abcd's old value there) */
	e[0] = _mm_sha1nexte_epu32(e[0], e_before);
	abcd = _mm_add_epi32(abcd, abcd_before);
	_mm_storeu_si128((__m128i *)state, _mm_shuffle_epi32(abcd, 0x1b));
	state[4] = (guint32)_mm_extract_epi32(e[0], 3);
}
#endif

static void
sha1_compress(guint32 state[5], const guint8 *block)
{
#ifdef HAVE_SHA_NI_PATH
	if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1")) {
		sha1_block_x86(state, block);
		return;
	}
#endif
	sha1_block(state, block);
}

/* The SHA-1 of the length bytes at data. */
static void
sha1(const guint8 *data, gsize length, guint8 digest[20])
{
	guint32 state[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	guint8 tail[128] = {0};
	gsize full = length / 64 * 64, rest = length - full, tail_length;
	guint64 bits = (guint64)length * 8;

	for (gsize offset = 0; offset < full; offset += 64)
		sha1_compress(state, data + offset);
	memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	tail_length = rest + 1 + 8 <= 64 ? 64 : 128;
	for (guint i = 0; i < 8; i++)
		tail[tail_length - 1 - i] = (guint8)(bits >> (8 * i));
	for (gsize offset = 0; offset < tail_length; offset += 64)
		sha1_compress(state, tail + offset);
	for (guint i = 0; i < 20; i++)
		digest[i] = (guint8)(state[i / 4] >> (24 - 8 * (i % 4)));
}

/*
 * A name-based id: the SHA-1 of "seed\nindex", its first 16 bytes shaped as a
 * version-5 UUID (version nibble 5, RFC 4122 variant), printed 8-4-4-4-12 in
 * lower case.  Hop ids thus differ within a trace, and a different query (the
 * seed) gives different ids, as Azure's GUIDs would, while the same query
 * always gives the same ones.  input holds the seed and its newline
 * (seed_length bytes) and has room for the index's 10 digits after them.
 */
static char *
hop_id(char *input, gsize seed_length, guint index)
{
	static const char hex[] = "0123456789abcdef";
	char digits[12], *p = digits + sizeof(digits), id[37];
	guint8 digest[20];
	guint at = 0;

	do {
		*--p = (char)('0' + index % 10);
		index /= 10;
	} while (index > 0);
	memcpy(input + seed_length, p, (gsize)(digits + sizeof(digits) - p));
	sha1((const guint8 *)input, seed_length + (gsize)(digits + sizeof(digits) - p), digest);
	digest[6] = (guint8)((digest[6] & 0x0f) | 0x50);
	digest[8] = (guint8)((digest[8] & 0x3f) | 0x80);
	for (guint i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			id[at++] = '-';
		id[at++] = hex[digest[i] >> 4];
		id[at++] = hex[digest[i] & 0xf];
	}
	id[at] = '\0';
	return g_strndup(id, at);
}

void
vs_trace_assign_ids(VsTrace *trace, const char *seed)
{
	char buffer[256];
	g_autofree char *heap = NULL;
	char *input = buffer;
	gsize seed_length;

	seed = seed != NULL ? seed : "";
	seed_length = strlen(seed) + 1;
	/* short seeds (all real ones) are hashed from the stack */
	if (seed_length + 10 > sizeof(buffer))
		input = heap = g_malloc(seed_length + 10);
	memcpy(input, seed, seed_length - 1);
	input[seed_length - 1] = '\n';
	for (guint i = 0; i < trace->hops->len; i++) {
		VsHop *hop = g_ptr_array_index(trace->hops, i);

		g_free(hop->id);
		hop->id = hop_id(input, seed_length, i);
	}
}

/* ---------------------------------------------------------------- effective rules */

VsEffectiveRule *
vs_effective_rule_new(const VsRule *rule)
{
	VsEffectiveRule *effective = g_new0(VsEffectiveRule, 1);

	effective->rule = rule;
	effective->expanded_source = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	effective->expanded_destination = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	return effective;
}

void
vs_effective_rule_free(VsEffectiveRule *rule)
{
	if (rule == NULL)
		return;
	g_clear_pointer(&rule->expanded_source, g_array_unref);
	g_clear_pointer(&rule->expanded_destination, g_array_unref);
	g_free(rule);
}

VsEffectiveNsg *
vs_effective_nsg_new(const VsNsg *nsg, const VsSubnet *subnet, const VsNic *nic)
{
	VsEffectiveNsg *effective = g_new0(VsEffectiveNsg, 1);

	effective->nsg = nsg;
	effective->subnet = subnet;
	effective->nic = nic;
	effective->rules = g_ptr_array_new_with_free_func((GDestroyNotify)vs_effective_rule_free);
	g_warn_if_fail((subnet == NULL) != (nic == NULL));
	return effective;
}

void
vs_effective_nsg_free(VsEffectiveNsg *effective)
{
	if (effective == NULL)
		return;
	g_clear_pointer(&effective->rules, g_ptr_array_unref);
	g_free(effective);
}
