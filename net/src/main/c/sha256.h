/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104): all the logon of docs/security.md needs. No dependencies. */
#ifndef WODIAN_SHA256_H
#define WODIAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WODIAN_SHA256_LENGTH 32

void wodian_sha256(const uint8_t *data, size_t length, uint8_t out[WODIAN_SHA256_LENGTH]);

void wodian_hmac_sha256(
    const uint8_t *key, size_t key_length, const uint8_t *message, size_t message_length,
    uint8_t out[WODIAN_SHA256_LENGTH]);

#endif
