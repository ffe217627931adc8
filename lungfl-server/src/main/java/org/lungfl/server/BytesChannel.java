package org.lungfl.server;

import java.nio.ByteBuffer;

/** Bytes in memory read as a channel (a model the store returned whole). */
final class BytesChannel extends ReadOnlyChannel {
    private final byte[] bytes;

    BytesChannel(byte[] bytes) {
        super(bytes.length);
        this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= bytes.length) return -1;
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        position += n;
        return n;
    }
}
