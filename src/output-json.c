/*
 * output-json.c - newline-delimited JSON (DESIGN §6), the only user of
 * json-c.  One object per line: "conn" records, "anomaly" records with
 * --events, and a closing "summary"; or, for -F zeek, the rows of Zeek's
 * JSON conn.log.
 *
 * HOW IT WORKS.  Every record of a kind has the same shape, so its json-c
 * tree is built once, when the output is made, and each record only sets
 * the values in place (json_object_set_int64(), json_object_set_boolean(),
 * json_object_set_string_len(); names such as states and ends are shared
 * string objects, swapped in by pointer).  Keys that a record may leave
 * out, and values that may be null, stay in the tree: the object's entry
 * holds NULL meanwhile, and the value object waits beside it.
 *
 * Beside each value the template keeps the field's text: its key, escaped
 * once when the template was built, and its value as written.  A setter
 * that finds the value unchanged does nothing; one that changes it
 * formats it there and then (numbers with a digit loop, timestamps, held
 * as integer microseconds, with their six decimals, only the decimals if
 * the seconds are those of the last record), so nothing is formatted
 * twice and unchanged fields cost nothing.  The tree's objects are
 * written by tmpl_serialize(), installed with json_object_set_serializer():
 * it copies each field's text straight into json-c's printbuf, and only
 * objects, arrays and long strings are written from the tree.  One
 * json_object_to_json_string_length() per record makes the line, newline
 * included; one fwrite() writes it.  The summary, written once, is built
 * the plain way.
 */
#include <config.h>

#include "output.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "anomaly.h"
#include "decode.h"
#include "flow.h"
#include "tcpstate.h"
#include "util.h"
#include "zeek-table.h"
#include "zeek.h"

#define JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Seconds with exactly six decimals, written as such (not as %.17g). */
static struct json_object *
json_seconds(int64_t us)
{
	char	buf[32];
	int64_t	sec = us / 1000000, frac = us % 1000000;

	if (frac < 0) {
		sec--;
		frac += 1000000;
	}
	snprintf(buf, sizeof(buf), "%" PRId64 ".%06" PRId64, sec, frac);
	return (json_object_new_double_s((double)us / 1e6, buf));
}

static void
add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *
json_u64(uint64_t v)
{
	/* json-c's int64 carries counters far beyond any capture's. */
	return (json_object_new_int64((int64_t)v));
}

/* Write o as one line and free it. */
static void
json_emit(struct output *out, struct json_object *o)
{
	const char	*s;
	size_t		 n;

	s = json_object_to_json_string_ext(o, JSON_FLAGS);
	n = strlen(s);
	output_check(out, fwrite(s, 1, n, out->fp) == n);
	output_check(out, fputc('\n', out->fp) != EOF);
	json_object_put(o);
	output_end_record(out);
}

/* ---- writing into a printbuf ------------------------------------------ */

/* The write position, with room for n more bytes and a NUL after them. */
static char *
pb_room(struct printbuf *pb, size_t n)
{
	if (n >= (size_t)(pb->size - pb->bpos)) {
		/* printbuf_memset() grows the buffer; the bytes are ours. */
		if (n > INT32_MAX / 2 ||
		    printbuf_memset(pb, -1, 0, (int)n + 1) == -1)
			xoom(n);
		pb->bpos -= (int)n + 1;
	}
	return (pb->buf + pb->bpos);
}

static void
pb_done(struct printbuf *pb, const char *p)
{
	pb->bpos = (int)(p - pb->buf);
}

static const char digits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/*
 * Decimal digits of v, as "%" PRId64 writes them.  p has room for 21: 20
 * bytes are copied whatever the length, a size the compiler knows.
 */
static char *
put_int(char *p, int64_t v)
{
	char		 tmp[40], *q = tmp + 20;
	uint64_t	 u;

	if (v >= 0 && v < 10) {
		/* Most counters. */
		*p = (char)('0' + v);
		return (p + 1);
	}
	if (v < 0) {
		*p++ = '-';
		u = -(uint64_t)v;
	} else
		u = (uint64_t)v;
	/* From the last digit back, two at a time. */
	while (u >= 100) {
		q -= 2;
		memcpy(q, digits2 + u % 100 * 2, 2);
		u /= 100;
	}
	if (u >= 10) {
		q -= 2;
		memcpy(q, digits2 + u * 2, 2);
	} else
		*--q = (char)('0' + u);
	memcpy(p, q, 20);
	return (p + (tmp + 20 - q));
}

/* Microseconds as seconds with six decimals, as json_seconds() writes. */
static char *
put_seconds(char *p, int64_t us)
{
	int64_t	sec = us / 1000000, frac = us % 1000000;
	int	i;

	if (frac < 0) {
		sec--;
		frac += 1000000;
	}
	p = put_int(p, sec);
	*p++ = '.';
	for (i = 4; i >= 0; i -= 2) {
		memcpy(p + i, digits2 + frac % 100 * 2, 2);
		frac /= 100;
	}
	return (p + 6);
}

/*
 * s as a JSON string body, escaped as json-c escapes it with
 * JSON_C_TO_STRING_NOSLASHESCAPE.  p has room for 6 bytes per byte of s.
 */
static char *
put_escaped(char *p, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint64_t	ones = UINT64_C(0x0101010101010101);
	const uint64_t	highs = UINT64_C(0x8080808080808080);
	uint64_t	w, q, b;
	unsigned char	c;
	size_t		i = 0;

	/*
	 * Eight bytes at a time while none of them needs escaping: a byte
	 * below 0x20, '"' or '\\' (the classic has-zero-byte tests).
	 */
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
		    ((b - ones) & ~b)) & highs)
			break;
		memcpy(p, &w, 8);
		p += 8;
	}
	for (; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '\b': *p++ = 'b'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		case '\f': *p++ = 'f'; break;
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
			break;
		}
	}
	return (p);
}

/* ---- record templates -------------------------------------------------- */

/* struct tkey.flags, struct tfield.flags */
#define TF_SECONDS	0x01	/* integer microseconds, written as seconds */
#define TF_OMIT		0x02	/* without a value the key is left out */
#define TF_PLAIN	0x04	/* a string that never needs escaping: a
				   name, a uid, an address, a history */

/* Bytes of key text copied at a time (a name is 35 at most). */
#define KEY_COPY	40

/*
 * A field's text: its key, then its value as written.  A number fits
 * (21 bytes, 28 as seconds), as do names, addresses, uids and histories.
 * Most keys with their values fit in TEXT_COPY bytes, copied at once.
 */
#define TEXT_MAX	128
#define TEXT_COPY	32
#define TEXT_SLOW	UINT32_MAX	/* struct tfield.wlen: see there */

/* A key of a template object and the type of its value. */
struct tkey {
	const char	*name;
	int		 type;		/* json_type_int, _string, _boolean;
					   _object and _array are set apart */
	unsigned	 flags;		/* TF_* */
};

/*
 * The value lives in json-c's tree; the text beside it is what
 * tmpl_write() writes for the field, made when the value is set, and
 * kept while it stays the same: each number is formatted once.
 */
struct tfield {
	struct lh_entry	*ent;		/* the key's entry in the object */
	struct json_object *val;	/* its value, present or not (a ref) */
	struct json_object *own;	/* a string's own object (a ref), or NULL */
	int64_t		 num;		/* a number's or boolean's value, as val's */
	int64_t		 tsec;		/* TF_SECONDS: the seconds in text, or
					   INT64_MIN */
	int		 type;		/* json_type of val */
	unsigned	 flags;
	uint32_t	 klen;		/* of the key text */
	uint32_t	 wlen;		/* of the text to write: key and value
					   (or null); 0 for a key left out;
					   TEXT_SLOW: the key, then the value
					   from val (objects, arrays, long
					   strings) */
	char		 text[TEXT_MAX]; /* ",\"name\":" escaped, then value */
};

/* A template object: the json-c object's userdata. */
struct tmpl {
	struct json_object *obj;
	struct json_object *empty;	/* "", for every string key of obj */
	bool		 line;		/* a whole record: ends with a newline */
	size_t		 n;
	struct tfield	 f[];
};

static void	 tmpl_write(struct printbuf *, const struct tmpl *);
static void	 json_free(struct output *);

/* json-c's serializer for template objects. */
static int
tmpl_serialize(struct json_object *o, struct printbuf *pb, int level,
    int flags)
{
	(void)level;
	(void)flags;
	tmpl_write(pb, json_object_get_userdata(o));
	return (0);
}

/* json-c's serializer for a TF_SECONDS value written on its own. */
static int
seconds_serialize(struct json_object *o, struct printbuf *pb, int level,
    int flags)
{
	char *p;

	(void)level;
	(void)flags;
	p = put_seconds(pb_room(pb, 32), json_object_get_int64(o));
	*p = '\0';
	pb_done(pb, p);
	return (0);
}

static void
tmpl_delete(struct json_object *o, void *userdata)
{
	struct tmpl	*t = userdata;
	size_t		 i;

	(void)o;
	for (i = 0; i < t->n; i++) {
		json_object_put(t->f[i].val);
		json_object_put(t->f[i].own);
	}
	json_object_put(t->empty);
	free(t);
}

/* f's text for f->num, a number or a boolean. */
static void
text_num(struct tfield *f)
{
	char	*p = f->text + f->klen;
	int64_t	 v = f->num, sec, frac;
	int	 i;

	if (f->type == json_type_boolean) {
		memcpy(p, v ? "true" : "false", 5);
		p += v ? 4 : 5;
	} else if (f->flags & TF_SECONDS) {
		/*
		 * Timestamps of records in a row mostly share their
		 * seconds: then only the six decimals are written anew.
		 */
		sec = v / 1000000;
		frac = v % 1000000;
		if (frac < 0) {
			sec--;
			frac += 1000000;
		}
		if (sec != f->tsec) {
			p = put_seconds(p, v);
			f->tsec = sec;
		} else {
			p = f->text + f->wlen;
			for (i = -2; i >= -6; i -= 2) {
				memcpy(p + i, digits2 + frac % 100 * 2, 2);
				frac /= 100;
			}
		}
	} else
		p = put_int(p, v);
	f->wlen = (uint32_t)(p - f->text);
}

/* f's text for the string s, or TEXT_SLOW if it is too long to keep. */
static void
text_string(struct tfield *f, const char *s, size_t len)
{
	char	*p = f->text + f->klen;
	size_t	 room = TEXT_MAX - f->klen - 2;

	if ((f->flags & TF_PLAIN) ? len > room : len > room / 6) {
		f->wlen = TEXT_SLOW;
		return;
	}
	*p++ = '"';
	if (f->flags & TF_PLAIN) {
		memcpy(p, s, len);
		p += len;
	} else
		p = put_escaped(p, s, len);
	*p++ = '"';
	f->wlen = (uint32_t)(p - f->text);
}

/* f's text for its value as it is now, shown or not. */
static void
text_value(struct tfield *f)
{
	struct json_object *v = lh_entry_v(f->ent);

	f->tsec = INT64_MIN;
	if (v == NULL) {
		if (f->flags & TF_OMIT)
			f->wlen = 0;
		else {
			memcpy(f->text + f->klen, "null", 4);
			f->wlen = f->klen + 4;
		}
		return;
	}
	switch (f->type) {
	case json_type_int:
	case json_type_boolean:
		text_num(f);
		break;
	case json_type_string:
		text_string(f, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	default:
		f->wlen = TEXT_SLOW;
		break;
	}
}

/*
 * A new template object with keys[0..n), each with a value of its type
 * (0, "", false); object and array values are given by tmpl_child().
 * Freed with json_object_put(t->obj), values and all.
 */
static struct tmpl *
tmpl_new(const struct tkey *keys, size_t n, bool line)
{
	struct tmpl	*t;
	struct tfield	*f;
	struct lh_entry	*e;
	char		*p;
	size_t		 i;

	t = xcalloc(1, sizeof(*t) + n * sizeof(t->f[0]));
	t->line = line;
	t->n = n;
	if ((t->obj = json_object_new_object()) == NULL ||
	    (t->empty = json_object_new_string("")) == NULL)
		xoom(sizeof(*t));
	for (i = 0; i < n; i++) {
		f = &t->f[i];
		f->type = keys[i].type;
		f->flags = keys[i].flags;
		switch (keys[i].type) {
		case json_type_int:
			f->val = json_object_new_int64(0);
			if (f->val != NULL && (f->flags & TF_SECONDS))
				json_object_set_serializer(f->val,
				    seconds_serialize, NULL, NULL);
			break;
		case json_type_string:
			f->own = json_object_new_string("");
			f->val = json_object_get(f->own);
			break;
		case json_type_boolean:
			f->val = json_object_new_boolean(0);
			break;
		default:
			f->val = NULL;
			break;
		}
		assert(strlen(keys[i].name) + 5 <= KEY_COPY);
		p = f->text;
		*p++ = ',';
		*p++ = '"';
		p = put_escaped(p, keys[i].name, strlen(keys[i].name));
		*p++ = '"';
		*p++ = ':';
		f->klen = (uint32_t)(p - f->text);
		if ((keys[i].type != json_type_object &&
		    keys[i].type != json_type_array && f->val == NULL) ||
		    json_object_object_add_ex(t->obj, keys[i].name,
		    json_object_get(f->val), JSON_C_OBJECT_ADD_KEY_IS_NEW |
		    JSON_C_OBJECT_KEY_IS_CONSTANT) != 0)
			xoom(sizeof(*f));
	}
	/* The entries, in the order added, for setting values in place. */
	i = 0;
	for (e = lh_table_head(json_object_get_object(t->obj)); e != NULL;
	    e = lh_entry_next(e)) {
		t->f[i].ent = e;
		text_value(&t->f[i++]);
	}
	json_object_set_serializer(t->obj, tmpl_serialize, t, tmpl_delete);
	return (t);
}

/* Make v, an object or array, the value of key i. */
static void
tmpl_child(struct tmpl *t, size_t i, struct json_object *v)
{
	t->f[i].val = v;
	lh_entry_set_val(t->f[i].ent, json_object_get(v));
	text_value(&t->f[i]);
}

/* Show key i's value, or take it away (null, or no key with TF_OMIT). */
static void
tmpl_show(struct tmpl *t, size_t i, bool show)
{
	struct tfield *f = &t->f[i];

	if (show == (lh_entry_v(f->ent) != NULL))
		return;
	if (show)
		lh_entry_set_val(f->ent, json_object_get(f->val));
	else {
		lh_entry_set_val(f->ent, NULL);
		json_object_put(f->val);
	}
	text_value(f);
}

/* A number: json-c's value and the text change only if it does. */
static void
tmpl_int(struct tmpl *t, size_t i, int64_t v)
{
	struct tfield *f = &t->f[i];

	if (v == f->num)
		return;
	f->num = v;
	(void)json_object_set_int64(f->val, v);
	/* Hidden, it is null: tmpl_show() writes the number. */
	if (lh_entry_v(f->ent) != NULL)
		text_num(f);
}

/* An optional number: shown when show says so. */
static void
tmpl_int_if(struct tmpl *t, size_t i, bool show, int64_t v)
{
	if (show)
		tmpl_int(t, i, v);
	tmpl_show(t, i, show);
}

static void
tmpl_bool(struct tmpl *t, size_t i, bool v)
{
	struct tfield *f = &t->f[i];

	if (v == (f->num != 0))
		return;
	f->num = v;
	(void)json_object_set_boolean(f->val, v);
	text_num(f);
}

/*
 * Make v, a string object that lives on its own, key i's value, shown.
 * Returns false if it was already.
 */
static bool
tmpl_swap(struct tmpl *t, size_t i, struct json_object *v)
{
	struct tfield	*f = &t->f[i];
	bool		 shown = lh_entry_v(f->ent) != NULL;

	if (f->val == v) {
		if (!shown) {
			lh_entry_set_val(f->ent, json_object_get(v));
			text_value(f);
		}
		return (false);
	}
	if (shown)
		json_object_put(f->val);
	json_object_put(f->val);
	f->val = json_object_get(v);
	lh_entry_set_val(f->ent, json_object_get(v));
	return (true);
}

/*
 * A shared string object (a name from a fixed set) as key i's value: the
 * value is swapped, not copied, and its text made only when it changes.
 */
static void
tmpl_name(struct tmpl *t, size_t i, struct json_object *name)
{
	if (tmpl_swap(t, i, name))
		text_value(&t->f[i]);
}

/*
 * A string of its own (an address, a uid, a history), copied into the
 * key's own string object.  "" is t->empty instead: json-c (0.16) loses
 * the buffer of a string it once had to allocate if it is set to "".
 */
static void
tmpl_str_len(struct tmpl *t, size_t i, const char *s, size_t len)
{
	struct tfield *f = &t->f[i];

	if (len == 0) {
		tmpl_name(t, i, t->empty);
		return;
	}
	(void)tmpl_swap(t, i, f->own);
	(void)json_object_set_string_len(f->own, s, (int)len);
	text_string(f, s, len);
}

static void
tmpl_str(struct tmpl *t, size_t i, const char *s)
{
	tmpl_str_len(t, i, s, strlen(s));
}

/* Room for a field's text, with some to spare. */
#define FIELD_ROOM	(TEXT_MAX + 8)

/*
 * Write the value of field f that has no text: a long string, an object,
 * an array.  Each makes its own room and leaves rest * FIELD_ROOM after it
 * for the fields still to come.
 */
static char *
tmpl_write_value(struct printbuf *pb, char *p, const struct tfield *f,
    size_t rest)
{
	struct json_object	*v = lh_entry_v(f->ent);
	const char		*s;
	size_t			 len, i, n;

	/* The template says what v is: json-c need not be asked. */
	switch (f->type) {
	case json_type_string:
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		pb_done(pb, p);
		p = pb_room(pb, len * 6 + 2 + rest * FIELD_ROOM);
		*p++ = '"';
		if (f->flags & TF_PLAIN) {
			memcpy(p, s, len);
			p += len;
		} else
			p = put_escaped(p, s, len);
		*p++ = '"';
		return (p);
	case json_type_object:
		pb_done(pb, p);
		tmpl_write(pb, json_object_get_userdata(v));
		return (pb_room(pb, rest * FIELD_ROOM));
	case json_type_array:
		*p++ = '[';
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				*p++ = ',';
			pb_done(pb, p);
			tmpl_write(pb, json_object_get_userdata(
			    json_object_array_get_idx(v, i)));
			p = pb_room(pb, 1 + rest * FIELD_ROOM);
		}
		*p++ = ']';
		return (p);
	default:
		/* Numbers, booleans and nulls always have their text. */
		abort();
	}
}

/* Write t's object: each field's text, or its key and then its value. */
static void
tmpl_write(struct printbuf *pb, const struct tmpl *t)
{
	const struct tfield	*f;
	char			*p;
	size_t			 i, start;

	/* Room for every field's text; "{", "}\n" and the NUL. */
	p = pb_room(pb, (t->n + 1) * FIELD_ROOM);
	start = (size_t)pb->bpos;
	for (i = 0; i < t->n; i++) {
		/*
		 * A size the compiler knows is copied, and p moves by the
		 * text's length (0 for a key left out).
		 */
		f = &t->f[i];
		if (f->wlen <= TEXT_COPY) {
			memcpy(p, f->text, TEXT_COPY);
			p += f->wlen;
		} else if (f->wlen <= TEXT_MAX) {
			memcpy(p, f->text, TEXT_MAX);
			p += f->wlen;
		} else {
			memcpy(p, f->text, KEY_COPY);
			p += f->klen;
			p = tmpl_write_value(pb, p, f, t->n - i);
		}
	}
	/* The first key's comma is where the brace goes. */
	if (p == pb->buf + start)
		p++;
	pb->buf[start] = '{';
	*p++ = '}';
	if (t->line)
		*p++ = '\n';
	*p = '\0';
	pb_done(pb, p);
}

/* Serialise record t; the text (newline included) belongs to t->obj. */
static void
tmpl_emit(struct output *out, struct tmpl *t)
{
	const char	*s;
	size_t		 n;

	s = json_object_to_json_string_length(t->obj, JSON_FLAGS, &n);
	output_check(out, s != NULL && fwrite(s, 1, n, out->fp) == n);
	output_end_record(out);
}

/* ---- the records ------------------------------------------------------- */

/* Keys of each template, in the order they are written. */
enum { EK_IP, EK_PORT, EK_STATE, EK_ISN, EK_PKTS, EK_BYTES, EK_IP_BYTES,
    EK_MSS, EK_WSCALE, EK_SACK_OK, EK_TS_OK, EK_RETX, EK_OOO, EK_DUPACK,
    EK_ZEROWIN, EK_KEEPALIVE, EK_SYN_RETX, EK_FIN_RETX, EK_NKEYS };
static const struct tkey endpoint_keys[EK_NKEYS] = {
	{ "ip", json_type_string, TF_PLAIN },
	{ "port", json_type_int, 0 },
	{ "state", json_type_string, TF_PLAIN },
	{ "isn", json_type_int, 0 },
	{ "pkts", json_type_int, 0 },
	{ "bytes", json_type_int, 0 },
	{ "ip_bytes", json_type_int, 0 },
	{ "mss", json_type_int, 0 },
	{ "wscale", json_type_int, 0 },
	{ "sack_ok", json_type_boolean, 0 },
	{ "ts_ok", json_type_boolean, 0 },
	{ "retransmissions", json_type_int, 0 },
	{ "out_of_order", json_type_int, 0 },
	{ "dup_acks", json_type_int, 0 },
	{ "zero_windows", json_type_int, 0 },
	{ "keepalives", json_type_int, 0 },
	{ "syn_retransmissions", json_type_int, 0 },
	{ "fin_retransmissions", json_type_int, 0 }
};

enum { HS_COMPLETE, HS_SYN_SYNACK, HS_SYNACK_ACK, HS_RTT, HS_NKEYS };
static const struct tkey handshake_keys[HS_NKEYS] = {
	{ "complete", json_type_boolean, 0 },
	{ "syn_synack", json_type_int, TF_SECONDS | TF_OMIT },
	{ "synack_ack", json_type_int, TF_SECONDS | TF_OMIT },
	{ "rtt", json_type_int, TF_SECONDS | TF_OMIT }
};

enum { ZK_CONN_STATE, ZK_HISTORY, ZK_ORIG, ZK_NKEYS };
static const struct tkey zeek_keys[ZK_NKEYS] = {
	{ "conn_state", json_type_string, TF_PLAIN },
	{ "history", json_type_string, TF_PLAIN },
	{ "orig", json_type_string, TF_PLAIN }
};

enum { CK_TYPE, CK_UID, CK_TS, CK_END_TS, CK_DURATION, CK_CLIENT, CK_SERVER,
    CK_HANDSHAKE, CK_END, CK_CLOSER, CK_MIDSTREAM, CK_ZEEK, CK_ANOMALIES,
    CK_NKEYS };
static const struct tkey conn_keys[CK_NKEYS] = {
	{ "type", json_type_string, TF_PLAIN },
	{ "uid", json_type_string, TF_PLAIN },
	{ "ts", json_type_int, TF_SECONDS },
	{ "end_ts", json_type_int, TF_SECONDS },
	{ "duration", json_type_int, TF_SECONDS },
	{ "client", json_type_object, 0 },
	{ "server", json_type_object, 0 },
	{ "handshake", json_type_object, 0 },
	{ "end", json_type_string, TF_PLAIN },
	{ "closer", json_type_string, TF_PLAIN | TF_OMIT },
	{ "midstream", json_type_boolean, 0 },
	{ "zeek", json_type_object, 0 },
	{ "anomalies", json_type_array, 0 }
};

/* An anomaly's fields, in a conn record's list or in its own record. */
enum { AK_ID, AK_SEVERITY, AK_CATEGORY, AK_ENDPOINT, AK_FRAME, AK_TS,
    AK_COUNT, AK_MESSAGE, AK_RELATED_UID, AK_NKEYS };
#define ANOMALY_KEYS							\
	{ "id", json_type_string, TF_PLAIN },				\
	{ "severity", json_type_string, TF_PLAIN },			\
	{ "category", json_type_string, TF_PLAIN },			\
	{ "endpoint", json_type_string, TF_PLAIN },			\
	{ "frame", json_type_int, 0 },					\
	{ "ts", json_type_int, TF_SECONDS },				\
	{ "count", json_type_int, 0 },					\
	{ "message", json_type_string, 0 },				\
	{ "related_uid", json_type_string, TF_PLAIN | TF_OMIT }
static const struct tkey anomaly_keys[AK_NKEYS] = { ANOMALY_KEYS };

/* The anomaly record: its head, then the anomaly's fields. */
enum { RK_TYPE, RK_UID, RK_CLIENT, RK_SERVER, RK_NHEAD };
static const struct tkey anomaly_record_keys[RK_NHEAD + AK_NKEYS] = {
	{ "type", json_type_string, TF_PLAIN },
	{ "uid", json_type_string, TF_PLAIN },
	{ "client", json_type_object, 0 },
	{ "server", json_type_object, 0 },
	ANOMALY_KEYS
};

enum { AD_IP, AD_PORT, AD_NKEYS };
static const struct tkey addr_keys[AD_NKEYS] = {
	{ "ip", json_type_string, TF_PLAIN },
	{ "port", json_type_int, 0 }
};

enum { ZR_TS, ZR_UID, ZR_ORIG_H, ZR_ORIG_P, ZR_RESP_H, ZR_RESP_P, ZR_PROTO,
    ZR_DURATION, ZR_ORIG_BYTES, ZR_RESP_BYTES, ZR_CONN_STATE, ZR_MISSED,
    ZR_HISTORY, ZR_ORIG_PKTS, ZR_ORIG_IP_BYTES, ZR_RESP_PKTS,
    ZR_RESP_IP_BYTES, ZR_NKEYS };
static const struct tkey zeek_row_keys[ZR_NKEYS] = {
	{ "ts", json_type_int, TF_SECONDS },
	{ "uid", json_type_string, TF_PLAIN },
	{ "id.orig_h", json_type_string, TF_PLAIN },
	{ "id.orig_p", json_type_int, 0 },
	{ "id.resp_h", json_type_string, TF_PLAIN },
	{ "id.resp_p", json_type_int, 0 },
	{ "proto", json_type_string, TF_PLAIN },
	{ "duration", json_type_int, TF_SECONDS | TF_OMIT },
	{ "orig_bytes", json_type_int, TF_OMIT },
	{ "resp_bytes", json_type_int, TF_OMIT },
	{ "conn_state", json_type_string, TF_PLAIN },
	{ "missed_bytes", json_type_int, 0 },
	{ "history", json_type_string, TF_PLAIN | TF_OMIT },
	{ "orig_pkts", json_type_int, 0 },
	{ "orig_ip_bytes", json_type_int, 0 },
	{ "resp_pkts", json_type_int, 0 },
	{ "resp_ip_bytes", json_type_int, 0 }
};

#define NAMES_MAX	256	/* distinct names (states, ends, ids...) */

/* The JSON outputs' state: templates, and the names they share. */
struct jout {
	struct tmpl	*conn;
	struct tmpl	*ep[2];		/* client, server */
	struct tmpl	*hs;
	struct tmpl	*zeek;
	struct json_object *anoms;	/* the conn record's list */
	struct tmpl	**pool;		/* anomaly objects for the list */
	size_t		 npool;
	struct tmpl	*arec;		/* the anomaly record */
	struct tmpl	*aaddr[2];
	struct tmpl	*zrow;		/* -F zeek's row */
	struct {
		const char	*s;
		struct json_object *o;
	}		 names[NAMES_MAX];
};

/*
 * The shared string object of a name that lives as long as the program
 * (a string literal, a catalogue entry): found by its address.
 */
static struct json_object *
jname(struct jout *j, const char *s)
{
	size_t i, h = ((uintptr_t)s >> 3) % NAMES_MAX;

	for (i = h; j->names[i].s != NULL; i = (i + 1) % NAMES_MAX) {
		if (j->names[i].s == s)
			return (j->names[i].o);
		assert((i + 1) % NAMES_MAX != h);
	}
	j->names[i].s = s;
	if ((j->names[i].o = json_object_new_string(s)) == NULL)
		xoom(strlen(s));
	return (j->names[i].o);
}

/* Address and port of endpoint ep of id into an {ip, port} template. */
static void
set_addr(struct tmpl *t, size_t ip, size_t port, const struct conn_ident *id,
    int ep)
{
	char	addr[ADDR_FMT_LEN];
	int	side = ep == TCP_CLIENT ? id->client_side : !id->client_side;

	addr_fmt(addr, sizeof(addr), id->key.ipv, id->key.addr[side]);
	tmpl_str(t, ip, addr);
	tmpl_int(t, port, id->key.port[side]);
}

static void
set_endpoint(struct jout *j, struct tmpl *t, const struct conn *c, int ep)
{
	const struct tcp_endpoint *e = &c->tcp.ep[ep];

	set_addr(t, EK_IP, EK_PORT, &c->id, ep);
	tmpl_name(t, EK_STATE, jname(j, tcpstate_name(
	    (enum tcp_state)e->state)));
	tmpl_int_if(t, EK_ISN, (e->flags & EP_SYN) != 0, e->isn);
	/* json-c's int64 carries counters far beyond any capture's. */
	tmpl_int(t, EK_PKTS, e->pkts);
	tmpl_int(t, EK_BYTES, (int64_t)e->bytes);
	tmpl_int(t, EK_IP_BYTES, (int64_t)c->ip_bytes[ep]);
	tmpl_int_if(t, EK_MSS, e->mss != 0, e->mss);
	tmpl_int_if(t, EK_WSCALE, e->wscale >= 0, e->wscale);
	tmpl_bool(t, EK_SACK_OK, (e->flags & EP_SACK_OK) != 0);
	tmpl_bool(t, EK_TS_OK, (e->flags & EP_TS_OK) != 0);
	tmpl_int(t, EK_RETX, e->retrans);
	tmpl_int(t, EK_OOO, e->ooo);
	tmpl_int(t, EK_DUPACK, e->dupack);
	tmpl_int(t, EK_ZEROWIN, e->zerowin);
	tmpl_int(t, EK_KEEPALIVE, e->keepalive);
	tmpl_int(t, EK_SYN_RETX, e->syn_retx);
	tmpl_int(t, EK_FIN_RETX, e->fin_retx);
}

/* An anomaly's fields, from key base on (AK_* + base). */
static void
set_anomaly(struct jout *j, struct tmpl *t, size_t base,
    const struct anomaly *a)
{
	const struct anomaly_def	*d = anomaly_def((enum anomaly_id)a->id);
	char				 sentence[512];

	tmpl_name(t, base + AK_ID, jname(j, d->name));
	tmpl_name(t, base + AK_SEVERITY, jname(j, anomaly_severity_name(
	    (enum anomaly_severity)a->sev)));
	tmpl_name(t, base + AK_CATEGORY, jname(j, d->category));
	tmpl_name(t, base + AK_ENDPOINT, jname(j, anomaly_who_name(
	    (enum anomaly_who)a->who)));
	tmpl_int(t, base + AK_FRAME, (int64_t)a->frame);
	tmpl_int(t, base + AK_TS, a->ts);
	tmpl_int(t, base + AK_COUNT, a->count);
	tmpl_str(t, base + AK_MESSAGE, anomaly_sentence(sentence,
	    sizeof(sentence), a));
	if (a->related_uid[0] != '\0')
		tmpl_str(t, base + AK_RELATED_UID, a->related_uid);
	tmpl_show(t, base + AK_RELATED_UID, a->related_uid[0] != '\0');
}

/* The conn record's anomaly list: exactly n objects, from the pool. */
static void
set_anomaly_list(struct jout *j, const struct anomaly_list *l)
{
	size_t i, len = json_object_array_length(j->anoms);

	if (len > 0)
		(void)json_object_array_del_idx(j->anoms, 0, len);
	if (l->n > j->npool) {
		j->pool = xreallocarray(j->pool, l->n, sizeof(*j->pool));
		for (i = j->npool; i < l->n; i++)
			j->pool[i] = tmpl_new(anomaly_keys, AK_NKEYS, false);
		j->npool = l->n;
	}
	for (i = 0; i < l->n; i++) {
		set_anomaly(j, j->pool[i], 0, &l->v[i]);
		if (json_object_array_add(j->anoms,
		    json_object_get(j->pool[i]->obj)) != 0)
			xoom(sizeof(void *));
	}
}

static void
json_conn(struct output *out, const struct conn *c)
{
	struct jout		*j = out->priv;
	struct tmpl		*t = j->conn;
	const struct tcp_pair	*tp = &c->tcp;
	const struct zeek_conn	*z = &c->zeek;

	if (out->flags & OUTPUT_QUIET)
		return;
	tmpl_str(t, CK_UID, c->id.uid);
	tmpl_int(t, CK_TS, c->id.first_ts);
	tmpl_int(t, CK_END_TS, c->last_ts);
	tmpl_int(t, CK_DURATION, c->last_ts - c->id.first_ts);
	set_endpoint(j, j->ep[TCP_CLIENT], c, TCP_CLIENT);
	set_endpoint(j, j->ep[TCP_SERVER], c, TCP_SERVER);

	tmpl_bool(j->hs, HS_COMPLETE, (tp->flags & TP_ESTABLISHED) != 0);
	tmpl_int_if(j->hs, HS_SYN_SYNACK, c->syn_ts != 0 &&
	    c->synack_ts != 0 && c->synack_ts >= c->syn_ts,
	    c->synack_ts - c->syn_ts);
	tmpl_int_if(j->hs, HS_SYNACK_ACK, c->synack_ts != 0 &&
	    c->ack_ts != 0 && c->ack_ts >= c->synack_ts,
	    c->ack_ts - c->synack_ts);
	tmpl_int_if(j->hs, HS_RTT, c->syn_ts != 0 && c->ack_ts != 0 &&
	    c->ack_ts >= c->syn_ts, c->ack_ts - c->syn_ts);

	tmpl_name(t, CK_END, jname(j, flow_end_name((enum conn_end)c->end)));
	if (c->closer != CLOSER_NONE)
		tmpl_name(t, CK_CLOSER, jname(j, flow_closer_name(
		    (enum conn_closer)c->closer)));
	else
		tmpl_show(t, CK_CLOSER, false);
	tmpl_bool(t, CK_MIDSTREAM, (tp->flags & TP_MIDSTREAM) != 0);

	tmpl_name(j->zeek, ZK_CONN_STATE, jname(j, zeek_conn_state(z)));
	tmpl_str(j->zeek, ZK_HISTORY, z->history);
	tmpl_name(j->zeek, ZK_ORIG, jname(j, z->orig == TCP_CLIENT ?
	    "client" : "server"));
	set_anomaly_list(j, &c->anoms);
	tmpl_emit(out, t);
}

static void
json_anomaly(struct output *out, const struct conn_ident *id,
    const struct anomaly *a)
{
	struct jout *j = out->priv;

	/* A late one has no conn record left to appear in: always written. */
	if (!(out->flags & OUTPUT_EVENTS) && !a->late)
		return;
	tmpl_str(j->arec, RK_UID, id->uid);
	set_addr(j->aaddr[TCP_CLIENT], AD_IP, AD_PORT, id, TCP_CLIENT);
	set_addr(j->aaddr[TCP_SERVER], AD_IP, AD_PORT, id, TCP_SERVER);
	set_anomaly(j, j->arec, RK_NHEAD, a);
	tmpl_emit(out, j->arec);
}

/* {"layer": count, ...} of the layers where results of kind r stopped. */
static struct json_object *
json_by_layer(const struct decode_stats *ds, enum decode_result r)
{
	struct json_object	*o = json_object_new_object();
	unsigned		 l;

	for (l = 0; l < LAYER_NLAYERS; l++)
		if (ds->by_layer[r][l] != 0)
			add(o, decode_layer_name((enum decode_layer)l),
			    json_u64(ds->by_layer[r][l]));
	return (o);
}

static void
json_summary(struct output *out, const struct decode_stats *ds,
    const struct flow_stats *fs)
{
	struct json_object	*o, *co, *e, *st[2], *an, *pk;
	unsigned		 i, s;

	o = json_object_new_object();
	add(o, "type", json_object_new_string("summary"));

	co = json_object_new_object();
	add(co, "total", json_u64(fs->conns));
	add(co, "live_max", json_u64(fs->live_max));
	e = json_object_new_object();
	for (i = END_FIN; i < END_NENDS; i++)
		add(e, flow_end_name((enum conn_end)i), json_u64(fs->by_end[i]));
	add(co, "end", e);
	for (i = 0; i < 2; i++) {
		st[i] = json_object_new_object();
		for (s = 0; s < TCPS_NSTATES; s++)
			if (fs->by_state[i][s] != 0)
				add(st[i], tcpstate_name((enum tcp_state)s),
				    json_u64(fs->by_state[i][s]));
	}
	add(co, "client_state", st[TCP_CLIENT]);
	add(co, "server_state", st[TCP_SERVER]);
	add(co, "late_segments", json_u64(fs->late_segments));
	add(co, "traces_dropped", json_u64(fs->traces_dropped));
	add(o, "connections", co);

	an = json_object_new_object();
	for (i = 0; i < AN_NIDS; i++)
		if (fs->anomalies[i] != 0)
			add(an, anomaly_def((enum anomaly_id)i)->name,
			    json_u64(fs->anomalies[i]));
	add(o, "anomalies", an);

	pk = json_object_new_object();
	add(pk, "read", json_u64(ds->packets));
	add(pk, "bytes", json_u64(ds->bytes));
	for (i = 0; i < DECODE_NRESULTS; i++)
		add(pk, decode_result_name((enum decode_result)i),
		    json_u64(ds->result[i]));
	add(pk, "not_ip_by_layer", json_by_layer(ds, DECODE_NOT_IP));
	add(pk, "truncated_by_layer", json_by_layer(ds, DECODE_TRUNCATED));
	add(pk, "malformed_by_layer", json_by_layer(ds, DECODE_MALFORMED));
	add(pk, "bad_tcp_option", json_u64(ds->bad_tcp_option));
	add(pk, "first_fragment", json_u64(ds->first_fragment));
	add(pk, "ip_len_over_frame", json_u64(ds->ip_len_over_frame));
	add(pk, "tcp_options_truncated", json_u64(ds->tcp_options_truncated));
	add(pk, "other_shard", json_u64(ds->other_shard));
	add(o, "packets", pk);
	json_emit(out, o);
}

/* A live capture's counters, every --stats-interval seconds. */
static void
json_stats(struct output *out, const struct output_stats *st)
{
	struct json_object *o;

	o = json_object_new_object();
	add(o, "type", json_object_new_string("stats"));
	add(o, "ts", json_seconds(st->ts));
	add(o, "packets", json_u64(st->packets));
	add(o, "received", json_u64(st->received));
	add(o, "dropped", json_u64(st->dropped));
	add(o, "ifdropped", json_u64(st->ifdropped));
	add(o, "live_connections", json_u64(st->live));
	add(o, "connections", json_u64(st->conns));
	add(o, "anomalies", json_u64(st->anomalies));
	json_emit(out, o);
}

static const struct output_ops json_ops = {
	json_conn, json_anomaly, json_summary, json_free, json_stats
};

/*
 * One row of Zeek's JSON conn.log, its fields in Zeek's order.  As Zeek
 * does, duration and the byte counts are left out when the duration is
 * zero, and the history when it is empty.
 */
void
output_zeek_row(struct output *out, const struct zeek_row *r)
{
	struct jout		*j = out->priv;
	struct tmpl		*t = j->zrow;
	const struct zeek_conn	*z = r->z;
	char			 addr[ADDR_FMT_LEN];
	int			 os = z->orig, rs = !z->orig;
	bool			 timed = r->last_ts > r->first_ts;

	if (out->flags & OUTPUT_QUIET)
		return;
	tmpl_int(t, ZR_TS, r->first_ts);
	tmpl_str(t, ZR_UID, r->uid);
	tmpl_str(t, ZR_ORIG_H, addr_fmt(addr, sizeof(addr), r->key->ipv,
	    r->key->addr[os]));
	tmpl_int(t, ZR_ORIG_P, r->key->port[os]);
	tmpl_str(t, ZR_RESP_H, addr_fmt(addr, sizeof(addr), r->key->ipv,
	    r->key->addr[rs]));
	tmpl_int(t, ZR_RESP_P, r->key->port[rs]);
	tmpl_int_if(t, ZR_DURATION, timed, r->last_ts - r->first_ts);
	tmpl_int_if(t, ZR_ORIG_BYTES, timed, timed ?
	    (int64_t)zeek_size(z, os) : 0);
	tmpl_int_if(t, ZR_RESP_BYTES, timed, timed ?
	    (int64_t)zeek_size(z, rs) : 0);
	tmpl_name(t, ZR_CONN_STATE, jname(j, zeek_conn_state(z)));
	tmpl_int(t, ZR_MISSED, (int64_t)z->missed_bytes);
	if (z->hist_len > 0)
		tmpl_str(t, ZR_HISTORY, z->history);
	tmpl_show(t, ZR_HISTORY, z->hist_len > 0);
	tmpl_int(t, ZR_ORIG_PKTS, z->ep[os].pkts);
	tmpl_int(t, ZR_ORIG_IP_BYTES, (int64_t)z->ep[os].ip_bytes);
	tmpl_int(t, ZR_RESP_PKTS, z->ep[rs].pkts);
	tmpl_int(t, ZR_RESP_IP_BYTES, (int64_t)z->ep[rs].ip_bytes);
	tmpl_emit(out, t);
}

static void
zeek_conn_none(struct output *out, const struct conn *c)
{
	(void)out;
	(void)c;
}

static void
zeek_anomaly_none(struct output *out, const struct conn_ident *id,
    const struct anomaly *a)
{
	(void)out;
	(void)id;
	(void)a;
}

static void
zeek_summary_none(struct output *out, const struct decode_stats *ds,
    const struct flow_stats *fs)
{
	(void)out;
	(void)ds;
	(void)fs;
}

static const struct output_ops zeek_ops = {
	zeek_conn_none, zeek_anomaly_none, zeek_summary_none, json_free, NULL
};

/* The templates of the records this output writes. */
static struct jout *
jout_new(bool zeek)
{
	struct jout	*j;
	int		 i;

	j = xcalloc(1, sizeof(*j));
	if (zeek) {
		j->zrow = tmpl_new(zeek_row_keys, ZR_NKEYS, true);
		tmpl_name(j->zrow, ZR_PROTO, jname(j, "tcp"));
		return (j);
	}
	j->conn = tmpl_new(conn_keys, CK_NKEYS, true);
	tmpl_name(j->conn, CK_TYPE, jname(j, "conn"));
	for (i = 0; i < 2; i++) {
		j->ep[i] = tmpl_new(endpoint_keys, EK_NKEYS, false);
		tmpl_child(j->conn, i == TCP_CLIENT ? CK_CLIENT : CK_SERVER,
		    j->ep[i]->obj);
	}
	j->hs = tmpl_new(handshake_keys, HS_NKEYS, false);
	tmpl_child(j->conn, CK_HANDSHAKE, j->hs->obj);
	j->zeek = tmpl_new(zeek_keys, ZK_NKEYS, false);
	tmpl_child(j->conn, CK_ZEEK, j->zeek->obj);
	if ((j->anoms = json_object_new_array()) == NULL)
		xoom(sizeof(*j));
	tmpl_child(j->conn, CK_ANOMALIES, j->anoms);

	j->arec = tmpl_new(anomaly_record_keys, RK_NHEAD + AK_NKEYS, true);
	tmpl_name(j->arec, RK_TYPE, jname(j, "anomaly"));
	for (i = 0; i < 2; i++) {
		j->aaddr[i] = tmpl_new(addr_keys, AD_NKEYS, false);
		tmpl_child(j->arec, i == TCP_CLIENT ? RK_CLIENT : RK_SERVER,
		    j->aaddr[i]->obj);
	}
	return (j);
}

/* Templates free their children: only the roots are put here. */
static void
json_free(struct output *out)
{
	struct jout	*j = out->priv;
	size_t		 i;

	if (j == NULL)
		return;
	if (j->conn != NULL)
		json_object_put(j->conn->obj);
	for (i = 0; i < j->npool; i++)
		json_object_put(j->pool[i]->obj);
	free(j->pool);
	if (j->arec != NULL)
		json_object_put(j->arec->obj);
	if (j->zrow != NULL)
		json_object_put(j->zrow->obj);
	for (i = 0; i < NAMES_MAX; i++)
		json_object_put(j->names[i].o);
	free(j);
	out->priv = NULL;
}

struct output *
output_zeek_new(FILE *fp, unsigned flags)
{
	struct output *out;

	out = xcalloc(1, sizeof(*out));
	out->ops = &zeek_ops;
	out->fp = fp;
	out->flags = flags;
	out->priv = jout_new(true);
	return (out);
}

struct output *
output_json_new(FILE *fp, unsigned flags)
{
	struct output *out;

	out = xcalloc(1, sizeof(*out));
	out->ops = &json_ops;
	out->fp = fp;
	out->flags = flags;
	out->priv = jout_new(false);
	return (out);
}
