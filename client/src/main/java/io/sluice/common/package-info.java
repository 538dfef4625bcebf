/**
 * Types shared by the protocol, the record format, the client and the broker: ids, errors, time.
 */
package io.sluice.common;
