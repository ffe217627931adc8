package org.lungfl.server;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * What every read-only, seekable channel of the stores shares: a position within a known size,
 * refusals to write, and an open flag. Subclasses read.
 */
abstract class ReadOnlyChannel implements SeekableByteChannel {
    private final long size;
    protected long position;
    private boolean open = true;

    ReadOnlyChannel(long size) {
        this.size = size;
    }

    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final long position() {
        return position;
    }

    @Override
    public final SeekableByteChannel position(long p) {
        position = p;
        return this;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
