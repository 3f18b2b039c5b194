package io.httppool.demo.proxy;

/** One header line, in the form every client library can take and give: name and value. */
public record HeaderField(String name, String value) {
}
