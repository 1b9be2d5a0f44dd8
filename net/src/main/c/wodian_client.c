/*
 * Wodian reference client in C, written from docs/protocol.md and docs/security.md alone, with the codecs SBE's C
 * generator makes from the published schema (engine/src/main/resources/sbe/wodian-schema.xml). It shows a vendor
 * the basic steps of a POS terminal: frames, logon (challenge and proof), a heartbeat, Pay, PaymentTry then
 * PaymentConfirm, PaymentTry then PaymentCancel, Refund, RedeemPoints then a Pay with the voucher, a consumer's
 * BalanceQuery, and what to do when a reply does not come (a reply timeout; resend the same request with the same
 * idempotency key on a new connection; void a payment whose outcome stays unknown with PaymentCancel).
 *
 * Build (protocol.md section 9). The codecs, with SBE's tool (sbe-tool has no main class in its manifest and needs
 * Agrona on the class path; the Agrona version is the root pom's agrona.version):
 *   java -cp sbe-tool-1.38.1.jar:agrona-2.6.0.jar -Dsbe.target.language=C -Dsbe.output.dir=GEN \
 *       uk.co.real_logic.sbe.SbeTool wodian-schema.xml
 * (or java -Dsbe.target.language=C -Dsbe.output.dir=GEN -jar sbe-all-1.38.1.jar wodian-schema.xml), then
 *   gcc -std=c11 -O2 -Wall -I GEN -o wodian-c-client wodian_client.c sha256.c
 *   (with TLS: gcc -std=c11 -O2 -Wall -DWODIAN_TLS -I GEN -o wodian-c-client wodian_client.c sha256.c -lssl -lcrypto)
 * Run against a server (its merchant, terminal and consumer registered, the consumer funded):
 *   wodian-c-client HOST PORT MERCHANT_ID TERMINAL_ID TERMINAL_SECRET_HEX CONSUMER_ID CONSUMER_SECRET_HEX PAYMENT_ID
 * Prints one line per reply and exits 0 when every reply is OK, 1 when one is not, 2 for a usage or I/O error.
 * WODIAN_REPLY_TIMEOUT_MS (default 10000, the Java client's) is how long it waits for a reply before it takes the
 * connection for lost.
 *
 * TLS (security.md "TLS", protocol.md 1.2), with OpenSSL: build with -DWODIAN_TLS and link -lssl -lcrypto, then set
 *   WODIAN_TLS_TRUST=ca.pem          the CA certificates to trust (turns TLS on); the server's certificate must name
 *                                    HOST (a DNS name or an IP address in its subject alternative names)
 *   WODIAN_TLS_CERT=terminal-51.pem  optional: the terminal's certificate chain (CN=terminal:<id>) and
 *   WODIAN_TLS_KEY=terminal-51.key   its PEM private key, presented by the terminal's session only (the consumer's
 *                                    session stands for a phone app, which has no terminal certificate)
 * net/src/test/java/com/wodian/net/conformance/CReferenceClientTest.java builds and runs it in the test suite.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifdef WODIAN_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif

#include "sha256.h"
#include "com_wodian_protocol_sbe/messageHeader.h"
#include "com_wodian_protocol_sbe/logon.h"
#include "com_wodian_protocol_sbe/logonChallenge.h"
#include "com_wodian_protocol_sbe/logonProof.h"
#include "com_wodian_protocol_sbe/logonReply.h"
#include "com_wodian_protocol_sbe/pay.h"
#include "com_wodian_protocol_sbe/paymentTry.h"
#include "com_wodian_protocol_sbe/paymentConfirm.h"
#include "com_wodian_protocol_sbe/paymentCancel.h"
#include "com_wodian_protocol_sbe/paymentReply.h"
#include "com_wodian_protocol_sbe/refund.h"
#include "com_wodian_protocol_sbe/refundReply.h"
#include "com_wodian_protocol_sbe/balanceQuery.h"
#include "com_wodian_protocol_sbe/balanceReply.h"
#include "com_wodian_protocol_sbe/errorReply.h"
#include "com_wodian_protocol_sbe/heartbeat.h"
#include "com_wodian_protocol_sbe/heartbeatReply.h"
#include "com_wodian_protocol_sbe/redeemPoints.h"
#include "com_wodian_protocol_sbe/voucherReply.h"

#define SBE(name) com_wodian_protocol_sbe_##name
#define MESSAGE_MAX 1024 /* a reply is at most 1024 bytes (protocol.md section 2) */
#define HEADER_LENGTH 8
#define REPLY_TIMEOUT_MS_DEFAULT 10000
#define SEND_ATTEMPTS 3 /* the first send and two resends on new connections */

/*
 * One connection: the socket, the next correlation id, a buffer for one message, and what is needed to connect and
 * log on again after a lost reply.
 */
struct session
{
    int fd;
#ifdef WODIAN_TLS
    SSL *ssl; /* NULL in clear text */
#endif
    uint64_t next_correlation_id;
    char message[MESSAGE_MAX];
    const char *host;
    const char *port;
    enum com_wodian_protocol_sbe_sessionRole role;
    int64_t principal_id;
    const uint8_t *secret;
};

static int open_session(struct session *s);
static void close_session(struct session *s);

/* A reply: its correlation id, template id, block length, version and message bytes (in session.message). */
struct reply
{
    uint64_t correlation_id;
    uint16_t template_id;
    uint16_t block_length;
    uint16_t version;
    uint32_t length;
};

static void put_le32(uint8_t *at, uint32_t value)
{
    for (int i = 0; i < 4; i++)
    {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

static void put_le64(uint8_t *at, uint64_t value)
{
    for (int i = 0; i < 8; i++)
    {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *at, int bytes)
{
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; i--)
    {
        value = value << 8 | at[i];
    }
    return value;
}

/* One write or read on the session: through TLS when it has it, else on the socket. */
static ssize_t session_io(struct session *s, uint8_t *bytes, size_t length, int writing)
{
#ifdef WODIAN_TLS
    if (NULL != s->ssl)
    {
        const int n = writing ? SSL_write(s->ssl, bytes, (int)length) : SSL_read(s->ssl, bytes, (int)length);
        return n > 0 ? n : -1;
    }
#endif
    return writing ? write(s->fd, bytes, length) : read(s->fd, bytes, length);
}

static int write_all(struct session *s, const uint8_t *bytes, size_t length)
{
    while (length > 0)
    {
        const ssize_t written = session_io(s, (uint8_t *)bytes, length, 1);
        if (written <= 0)
        {
            return -1;
        }
        bytes += written;
        length -= (size_t)written;
    }
    return 0;
}

static int read_all(struct session *s, uint8_t *bytes, size_t length)
{
    while (length > 0)
    {
        const ssize_t got = session_io(s, bytes, length, 0);
        if (got <= 0)
        {
            return -1;
        }
        bytes += got;
        length -= (size_t)got;
    }
    return 0;
}

/* Sends session.message[0..length) as one frame: frameLength (int32 LE) = 8 + length, correlationId (int64 LE). */
static int send_frame(struct session *s, size_t length, uint64_t *correlation_id)
{
    uint8_t frame[12 + MESSAGE_MAX];
    *correlation_id = s->next_correlation_id++;
    put_le32(frame, (uint32_t)(8 + length));
    put_le64(frame + 4, *correlation_id);
    memcpy(frame + 12, s->message, length);
    return write_all(s, frame, 12 + length);
}

/* Reads one frame into session.message; checks its length against the protocol's bounds. */
static int read_frame(struct session *s, struct reply *r)
{
    uint8_t head[12];
    if (read_all(s, head, sizeof(head)) < 0)
    {
        return -1;
    }
    const uint32_t frame_length = (uint32_t)get_le(head, 4);
    if (frame_length < 8 + HEADER_LENGTH || frame_length > 8 + MESSAGE_MAX)
    {
        return -1;
    }
    r->correlation_id = get_le(head + 4, 8);
    r->length = frame_length - 8;
    if (read_all(s, (uint8_t *)s->message, r->length) < 0)
    {
        return -1;
    }
    struct SBE(messageHeader) header = {0};
    if (NULL == SBE(messageHeader_wrap)(&header, s->message, 0, SBE(messageHeader_sbe_schema_version)(), r->length))
    {
        return -1;
    }
    r->template_id = SBE(messageHeader_templateId)(&header);
    r->block_length = SBE(messageHeader_blockLength)(&header);
    r->version = SBE(messageHeader_version)(&header);
    return (uint32_t)HEADER_LENGTH + r->block_length <= r->length ? 0 : -1;
}

/*
 * Sends a request and reads its reply; replies come in request order, so it must carry the request's id. -1 when the
 * connection is lost or no reply came within the reply timeout (the socket's SO_RCVTIMEO): the request may or may
 * not have been applied.
 */
static int call_once(struct session *s, size_t length, struct reply *r)
{
    uint64_t correlation_id;
    if (send_frame(s, length, &correlation_id) < 0 || read_frame(s, r) < 0)
    {
        return -1;
    }
    if (r->correlation_id != correlation_id)
    {
        fprintf(stderr, "reply for correlation id %llu, expected %llu\n",
            (unsigned long long)r->correlation_id, (unsigned long long)correlation_id);
        return -1;
    }
    return 0;
}

/*
 * A request whose reply is lost (connection closed, or no reply within the reply timeout) has an unknown outcome
 * (protocol.md section 4, "Lost replies"). Never resend on the same connection: every frame is answered, so the late
 * reply could still come and be taken for the new one's. Close it, connect and log on again, and send the same bytes:
 * the same idempotency key, so a command the server had applied is answered with its first result and nothing
 * happens twice. -1 when every attempt failed: the outcome is still unknown (a payment: void it, see pay_or_void).
 */
static int call(struct session *s, size_t length, struct reply *r)
{
    uint8_t request[MESSAGE_MAX];
    memcpy(request, s->message, length); /* the logon of a new connection reuses s->message */
    for (int attempt = 1; attempt <= SEND_ATTEMPTS; attempt++)
    {
        if (attempt > 1)
        {
            printf("no reply (connection lost or reply timeout): resending on a new connection, same key\n");
            close_session(s);
            if (open_session(s) < 0)
            {
                continue;
            }
            memcpy(s->message, request, length);
        }
        if (call_once(s, length, r) == 0)
        {
            return 0;
        }
    }
    fprintf(stderr, "no reply after %d attempts: the outcome is unknown\n", SEND_ATTEMPTS);
    return -1;
}

/* Every reply starts its body with the uint16 result code (protocol.md section 5). */
static int reply_code(const struct session *s)
{
    return (int)get_le((const uint8_t *)s->message + HEADER_LENGTH, 2);
}

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {0};
    struct addrinfo *found = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (0 != getaddrinfo(host, port, &hints, &found))
    {
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = found; NULL != a && fd < 0; a = a->ai_next)
    {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && 0 != connect(fd, a->ai_addr, a->ai_addrlen))
        {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd >= 0)
    {
        const int on = 1; /* requests are small and latency matters (protocol.md section 1) */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        /*
         * A reply timeout: without one, a reply that never comes (a crashed host, a partition) blocks the terminal
         * for ever. A read or write that waits longer fails, and call() takes the connection for lost.
         */
        const char *timeout = getenv("WODIAN_REPLY_TIMEOUT_MS");
        const long timeout_ms = NULL != timeout && atol(timeout) > 0 ? atol(timeout) : REPLY_TIMEOUT_MS_DEFAULT;
        struct timeval limit = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    }
    return fd;
}

/*
 * Logon (protocol.md 1.1, security.md): the key of the first HMAC is the secret's 32 bytes (hex-decoded).
 *   clientKey = HMAC(secret, "Wodian Client Key"); storedKey = SHA-256(clientKey)
 *   proof = clientKey XOR HMAC(storedKey, "wodian-logon-v1" || challenge || role || principalId LE)
 */
static int log_on(struct session *s, enum SBE(sessionRole) role, int64_t principal_id, const uint8_t secret[32])
{
    struct SBE(messageHeader) header;
    struct SBE(logon) logon;
    SBE(logon_wrap_and_apply_header)(&logon, s->message, 0, MESSAGE_MAX, &header);
    SBE(logon_set_role)(&logon, role);
    SBE(logon_set_principalId)(&logon, principal_id);
    struct reply r;
    if (call_once(s, HEADER_LENGTH + SBE(logon_encoded_length)(&logon), &r) < 0)
    {
        fprintf(stderr, "connection lost during logon\n");
        return -1;
    }
    if (SBE(logonChallenge_sbe_template_id)() != r.template_id)
    {
        fprintf(stderr, "logon refused: code %d\n", reply_code(s));
        return -1;
    }
    struct SBE(logonChallenge) challenge_reply;
    SBE(logonChallenge_wrap_for_decode)(&challenge_reply, s->message, HEADER_LENGTH, r.block_length, r.version,
        r.length);
    uint8_t auth_message[15 + 32 + 1 + 8];
    memcpy(auth_message, "wodian-logon-v1", 15);
    SBE(logonChallenge_get_challenge)(&challenge_reply, (char *)auth_message + 15, 32);
    auth_message[47] = (uint8_t)role;
    put_le64(auth_message + 48, (uint64_t)principal_id);

    uint8_t client_key[32], stored_key[32], signature[32];
    wodian_hmac_sha256(secret, 32, (const uint8_t *)"Wodian Client Key", 17, client_key);
    wodian_sha256(client_key, 32, stored_key);
    wodian_hmac_sha256(stored_key, 32, auth_message, sizeof(auth_message), signature);

    struct SBE(logonProof) proof;
    SBE(logonProof_wrap_and_apply_header)(&proof, s->message, 0, MESSAGE_MAX, &header);
    for (int i = 0; i < 32; i++)
    {
        SBE(logonProof_set_proof)(&proof, (uint64_t)i, client_key[i] ^ signature[i]);
    }
    if (call_once(s, HEADER_LENGTH + SBE(logonProof_encoded_length)(&proof), &r) < 0)
    {
        fprintf(stderr, "connection lost during logon\n");
        return -1;
    }
    const int code = reply_code(s);
    printf("logon role=%d principalId=%lld code=%d\n", (int)role, (long long)principal_id, code);
    return SBE(logonReply_sbe_template_id)() == r.template_id && 0 == code ? 0 : -1;
}

/* Prints a PaymentReply (or the ErrorReply that refused the request); returns its code. */
static int print_payment_reply(struct session *s, const char *what, const struct reply *r)
{
    if (SBE(paymentReply_sbe_template_id)() != r->template_id)
    {
        printf("%s refused template=%u code=%d\n", what, r->template_id, reply_code(s));
        return reply_code(s) == 0 ? -1 : reply_code(s);
    }
    struct SBE(paymentReply) reply;
    SBE(paymentReply_wrap_for_decode)(&reply, s->message, HEADER_LENGTH, r->block_length, r->version, r->length);
    /* voucherFen (schema version 7): the voucher's part of amountFen; the wallet paid amountFen - voucherFen. */
    printf("%s code=%d paymentId=%lld amountFen=%lld pointsEarned=%lld voucherFen=%lld\n", what, reply_code(s),
        (long long)SBE(paymentReply_paymentId)(&reply), (long long)SBE(paymentReply_amountFen)(&reply),
        (long long)SBE(paymentReply_pointsEarned)(&reply), (long long)SBE(paymentReply_voucherFen)(&reply));
    return reply_code(s);
}

static int pay(struct session *s, int64_t merchant, int64_t terminal, int64_t payment, int64_t consumer,
    int64_t amount_fen, int64_t voucher)
{
    struct SBE(messageHeader) header;
    struct SBE(pay) request;
    SBE(pay_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(pay_set_merchantId)(&request, merchant);
    SBE(pay_set_terminalId)(&request, terminal);
    SBE(pay_set_paymentId)(&request, payment);
    SBE(pay_set_consumerId)(&request, consumer);
    SBE(pay_set_amountFen)(&request, amount_fen);
    SBE(pay_set_voucherId)(&request, voucher); /* 0: none; else a VoucherReply's voucherId */
    struct reply r;
    return call(s, HEADER_LENGTH + SBE(pay_encoded_length)(&request), &r) < 0 ? -1 :
        print_payment_reply(s, "pay", &r);
}

static int payment_try(struct session *s, int64_t merchant, int64_t terminal, int64_t payment, int64_t consumer,
    int64_t amount_fen, int64_t ttl_ms)
{
    struct SBE(messageHeader) header;
    struct SBE(paymentTry) request;
    SBE(paymentTry_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(paymentTry_set_merchantId)(&request, merchant);
    SBE(paymentTry_set_terminalId)(&request, terminal);
    SBE(paymentTry_set_paymentId)(&request, payment);
    SBE(paymentTry_set_consumerId)(&request, consumer);
    SBE(paymentTry_set_amountFen)(&request, amount_fen);
    SBE(paymentTry_set_ttlMs)(&request, ttl_ms);
    SBE(paymentTry_set_voucherId)(&request, 0);
    struct reply r;
    return call(s, HEADER_LENGTH + SBE(paymentTry_encoded_length)(&request), &r) < 0 ? -1 :
        print_payment_reply(s, "try", &r);
}

static int payment_confirm(struct session *s, int64_t merchant, int64_t terminal, int64_t payment)
{
    struct SBE(messageHeader) header;
    struct SBE(paymentConfirm) request;
    SBE(paymentConfirm_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(paymentConfirm_set_merchantId)(&request, merchant);
    SBE(paymentConfirm_set_terminalId)(&request, terminal);
    SBE(paymentConfirm_set_paymentId)(&request, payment);
    struct reply r;
    return call(s, HEADER_LENGTH + SBE(paymentConfirm_encoded_length)(&request), &r) < 0 ? -1 :
        print_payment_reply(s, "confirm", &r);
}

static int payment_cancel(struct session *s, int64_t merchant, int64_t terminal, int64_t payment)
{
    struct SBE(messageHeader) header;
    struct SBE(paymentCancel) request;
    SBE(paymentCancel_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(paymentCancel_set_merchantId)(&request, merchant);
    SBE(paymentCancel_set_terminalId)(&request, terminal);
    SBE(paymentCancel_set_paymentId)(&request, payment);
    struct reply r;
    return call(s, HEADER_LENGTH + SBE(paymentCancel_encoded_length)(&request), &r) < 0 ? -1 :
        print_payment_reply(s, "cancel", &r);
}

/*
 * A Pay whose outcome stays unknown after every resend (the customer will not wait any longer): void it with a
 * PaymentCancel of the same key (protocol.md section 4, "Lost replies"). 1 OK_EMPTY_ROLLBACK: the Pay never arrived
 * and a late one is refused (404), nothing was charged. 414 NOT_TWO_PHASE: the Pay was decided; PaymentStatusQuery
 * says how (CONFIRMED: refund it with a new refund id; REJECTED: nothing was charged). Never conclude "not charged"
 * from a status query's PAYMENT_NOT_FOUND: the lost Pay may still be applied after it.
 */
static int pay_or_void(struct session *s, int64_t merchant, int64_t terminal, int64_t payment, int64_t consumer,
    int64_t amount_fen, int64_t voucher)
{
    const int code = pay(s, merchant, terminal, payment, consumer, amount_fen, voucher);
    if (code >= 0)
    {
        return code;
    }
    printf("pay %lld: outcome unknown, voiding it with PaymentCancel of the same key\n", (long long)payment);
    payment_cancel(s, merchant, terminal, payment); /* its line says which of the two outcomes */
    return -1; /* no sale either way */
}

static int refund(struct session *s, int64_t merchant, int64_t terminal, int64_t payment, int64_t refund_id,
    int64_t amount_fen)
{
    struct SBE(messageHeader) header;
    struct SBE(refund) request;
    SBE(refund_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(refund_set_merchantId)(&request, merchant);
    SBE(refund_set_terminalId)(&request, terminal);
    SBE(refund_set_paymentId)(&request, payment);
    SBE(refund_set_refundId)(&request, refund_id);
    SBE(refund_set_amountFen)(&request, amount_fen);
    struct reply r;
    if (call(s, HEADER_LENGTH + SBE(refund_encoded_length)(&request), &r) < 0)
    {
        return -1;
    }
    if (SBE(refundReply_sbe_template_id)() != r.template_id)
    {
        printf("refund refused template=%u code=%d\n", r.template_id, reply_code(s));
        return reply_code(s) == 0 ? -1 : reply_code(s);
    }
    struct SBE(refundReply) reply;
    SBE(refundReply_wrap_for_decode)(&reply, s->message, HEADER_LENGTH, r.block_length, r.version, r.length);
    /* What the refund gave back (schema version 7): cash to the wallet, the voucher part, points taken back. */
    printf("refund code=%d refundId=%lld amountFen=%lld cashFen=%lld voucherFen=%lld pointsClawedBack=%lld\n",
        reply_code(s), (long long)SBE(refundReply_refundId)(&reply), (long long)SBE(refundReply_amountFen)(&reply),
        (long long)SBE(refundReply_cashFen)(&reply), (long long)SBE(refundReply_voucherFen)(&reply),
        (long long)SBE(refundReply_pointsClawedBack)(&reply));
    return reply_code(s);
}

static int balance(struct session *s, int64_t consumer)
{
    struct SBE(messageHeader) header;
    struct SBE(balanceQuery) request;
    SBE(balanceQuery_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(balanceQuery_set_consumerId)(&request, consumer);
    struct reply r;
    if (call(s, HEADER_LENGTH + SBE(balanceQuery_encoded_length)(&request), &r) < 0)
    {
        return -1;
    }
    if (SBE(balanceReply_sbe_template_id)() != r.template_id)
    {
        printf("balance refused template=%u code=%d\n", r.template_id, reply_code(s));
        return reply_code(s) == 0 ? -1 : reply_code(s);
    }
    struct SBE(balanceReply) reply;
    SBE(balanceReply_wrap_for_decode)(&reply, s->message, HEADER_LENGTH, r.block_length, r.version, r.length);
    printf("balance code=%d consumerId=%lld walletFen=%lld heldFen=%lld points=%lld\n", reply_code(s),
        (long long)SBE(balanceReply_consumerId)(&reply), (long long)SBE(balanceReply_walletFen)(&reply),
        (long long)SBE(balanceReply_heldFen)(&reply), (long long)SBE(balanceReply_points)(&reply));
    return reply_code(s);
}

/*
 * RedeemPoints for one voucher of the merchant's rule. Its key is (consumerId, redemptionId): shared by every
 * terminal that redeems for this consumer, so take the id from the same persistent, terminal-unique counter as the
 * payment ids. Returns the voucher id (for a Pay's voucherId), 0 when refused, -1 on a lost reply.
 */
static int64_t redeem(struct session *s, int64_t consumer, int64_t merchant, int64_t redemption)
{
    struct SBE(messageHeader) header;
    struct SBE(redeemPoints) request;
    SBE(redeemPoints_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(redeemPoints_set_consumerId)(&request, consumer);
    SBE(redeemPoints_set_merchantId)(&request, merchant);
    SBE(redeemPoints_set_redemptionId)(&request, redemption);
    struct reply r;
    if (call(s, HEADER_LENGTH + SBE(redeemPoints_encoded_length)(&request), &r) < 0)
    {
        return -1;
    }
    if (SBE(voucherReply_sbe_template_id)() != r.template_id)
    {
        printf("redeem refused template=%u code=%d\n", r.template_id, reply_code(s));
        return 0;
    }
    struct SBE(voucherReply) reply;
    SBE(voucherReply_wrap_for_decode)(&reply, s->message, HEADER_LENGTH, r.block_length, r.version, r.length);
    printf("redeem code=%d voucherId=%lld valueFen=%lld pointsCost=%lld\n", reply_code(s),
        (long long)SBE(voucherReply_voucherId)(&reply), (long long)SBE(voucherReply_valueFen)(&reply),
        (long long)SBE(voucherReply_pointsCost)(&reply));
    return 0 == reply_code(s) ? SBE(voucherReply_voucherId)(&reply) : 0;
}

/*
 * A Heartbeat keeps an idle session open: send one whenever nothing was sent for the LogonReply's
 * heartbeatIntervalMs (the server closes a silent session). Its reply comes in order behind the replies to earlier
 * requests, so judge a connection by the reply timeout, not by the heartbeat's round trip.
 */
static int heartbeat(struct session *s)
{
    struct SBE(messageHeader) header;
    struct SBE(heartbeat) request;
    SBE(heartbeat_wrap_and_apply_header)(&request, s->message, 0, MESSAGE_MAX, &header);
    SBE(heartbeat_set_reserved)(&request, 0);
    struct reply r;
    if (call_once(s, HEADER_LENGTH + SBE(heartbeat_encoded_length)(&request), &r) < 0)
    {
        return -1;
    }
    printf("heartbeat template=%u code=%d\n", r.template_id, reply_code(s));
    return SBE(heartbeatReply_sbe_template_id)() == r.template_id ? reply_code(s) : -1;
}

static int parse_secret(const char *hex, uint8_t secret[32])
{
    if (64 != strlen(hex))
    {
        return -1;
    }
    for (int i = 0; i < 32; i++)
    {
        unsigned int byte;
        if (1 != sscanf(hex + 2 * i, "%2x", &byte))
        {
            return -1;
        }
        secret[i] = (uint8_t)byte;
    }
    return 0;
}

#ifdef WODIAN_TLS
/*
 * TLS 1.2 or 1.3 over the connected socket, the server's certificate checked against WODIAN_TLS_TRUST and HOST; with
 * present_certificate, WODIAN_TLS_CERT and WODIAN_TLS_KEY are presented when set. Returns 0, or -1 with OpenSSL's
 * reasons on stderr.
 */
static int start_tls(struct session *s, const char *host, int present_certificate)
{
    const char *trust = getenv("WODIAN_TLS_TRUST");
    const char *certificate = getenv("WODIAN_TLS_CERT");
    const char *key = getenv("WODIAN_TLS_KEY");
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    int ok = NULL != context && 1 == SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) &&
        1 == SSL_CTX_load_verify_locations(context, trust, NULL);
    if (ok && present_certificate && NULL != certificate && NULL != key)
    {
        ok = 1 == SSL_CTX_use_certificate_chain_file(context, certificate) &&
            1 == SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) && 1 == SSL_CTX_check_private_key(context);
    }
    if (ok)
    {
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
        s->ssl = SSL_new(context);
        ok = NULL != s->ssl && 1 == SSL_set_fd(s->ssl, s->fd);
    }
    if (ok)
    {
        /* The certificate must name the host dialled: an IP address in its IP SANs, a name in its DNS SANs. */
        unsigned char address[16];
        const int is_ip = 1 == inet_pton(AF_INET, host, address) || 1 == inet_pton(AF_INET6, host, address);
        ok = is_ip ? 1 == X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), host) :
            1 == SSL_set_tlsext_host_name(s->ssl, host) && 1 == SSL_set1_host(s->ssl, host);
    }
    ok = ok && 1 == SSL_connect(s->ssl);
    SSL_CTX_free(context); /* the session holds its own reference */
    if (!ok)
    {
        fprintf(stderr, "TLS handshake with %s failed\n", host);
        ERR_print_errors_fp(stderr);
        return -1;
    }
    return 0;
}
#endif

/* Connects to s->host:s->port (TLS when WODIAN_TLS_TRUST is set) and logs on as s->role s->principal_id. */
static int open_session(struct session *s)
{
    const char *host = s->host;
    const enum SBE(sessionRole) role = s->role;
    s->fd = connect_to(host, s->port);
    s->next_correlation_id = 1;
    if (s->fd < 0)
    {
        fprintf(stderr, "cannot connect to %s:%s\n", host, s->port);
        return -1;
    }
    if (NULL != getenv("WODIAN_TLS_TRUST"))
    {
#ifdef WODIAN_TLS
        if (start_tls(s, host, SBE(sessionRole_TERMINAL) == role) < 0)
        {
            return -1;
        }
#else
        fprintf(stderr, "WODIAN_TLS_TRUST is set but this client was built without TLS (-DWODIAN_TLS)\n");
        return -1;
#endif
    }
    return log_on(s, role, s->principal_id, s->secret);
}

static void close_session(struct session *s)
{
    if (s->fd < 0)
    {
        return;
    }
#ifdef WODIAN_TLS
    if (NULL != s->ssl)
    {
        SSL_shutdown(s->ssl);
        SSL_free(s->ssl);
        s->ssl = NULL;
    }
#endif
    close(s->fd);
    s->fd = -1;
}

int main(int argc, char **argv)
{
    uint8_t terminal_secret[32], consumer_secret[32];
    if (9 != argc || parse_secret(argv[5], terminal_secret) < 0 || parse_secret(argv[7], consumer_secret) < 0)
    {
        fprintf(stderr, "usage: %s HOST PORT MERCHANT_ID TERMINAL_ID TERMINAL_SECRET_HEX CONSUMER_ID "
            "CONSUMER_SECRET_HEX PAYMENT_ID\n", argv[0]);
        return 2;
    }
    const int64_t merchant = atoll(argv[3]), terminal = atoll(argv[4]), consumer = atoll(argv[6]);
    /*
     * Every idempotency key names one business operation for ever (protocol.md section 4, "Choosing keys"): a key
     * used again with the same content is answered as a repeat of the first operation, with its first result, and
     * nothing happens (a second sale is not charged, a second partial refund refunds nothing). So every payment,
     * refund and redemption takes the next value of one counter. A real POS persists that counter before it sends
     * and makes it unique across the merchant's terminals (e.g. terminalId * 10^10 + a per-terminal counter); here it
     * starts at PAYMENT_ID. In particular a refund's id is not its payment's id: ISO 8583 reversals use that one.
     */
    int64_t next_key = atoll(argv[8]);
    setvbuf(stdout, NULL, _IOLBF, 0); /* one line per reply, in order with the diagnostics on stderr */
    static struct session pos, app;
    pos = (struct session){ .fd = -1, .host = argv[1], .port = argv[2], .role = SBE(sessionRole_TERMINAL),
        .principal_id = terminal, .secret = terminal_secret };
    if (open_session(&pos) < 0)
    {
        return 2;
    }
    int failures = 0;
    failures += 0 != heartbeat(&pos);
    const int64_t sale = next_key++;
    failures += 0 != pay_or_void(&pos, merchant, terminal, sale, consumer, 2500, 0);
    const int64_t held = next_key++;
    failures += 0 != payment_try(&pos, merchant, terminal, held, consumer, 1000, 60000);
    failures += 0 != payment_confirm(&pos, merchant, terminal, held);
    const int64_t released = next_key++;
    failures += 0 != payment_try(&pos, merchant, terminal, released, consumer, 700, 60000);
    failures += 0 != payment_cancel(&pos, merchant, terminal, released);
    failures += 0 != refund(&pos, merchant, terminal, sale, next_key++, 500);
    /* The consumer spends points at the counter: a voucher of the merchant's rule, then a Pay that uses it. */
    const int64_t voucher = redeem(&pos, consumer, merchant, next_key++);
    failures += voucher <= 0;
    failures += voucher <= 0 || 0 != pay_or_void(&pos, merchant, terminal, next_key++, consumer, 800, voucher);
    close_session(&pos);

    /* A terminal may not read balances (security.md): the consumer's own session asks. */
    app = (struct session){ .fd = -1, .host = argv[1], .port = argv[2], .role = SBE(sessionRole_CONSUMER),
        .principal_id = consumer, .secret = consumer_secret };
    if (open_session(&app) < 0)
    {
        return 2;
    }
    failures += 0 != balance(&app, consumer);
    close_session(&app);
    return 0 == failures ? 0 : 1;
}
