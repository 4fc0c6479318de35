vcl 4.1;
# The newsroom's edge cache (docs/deployment.md). Anonymous pages are kept under the
# app's dependency keys (its Surrogate-Key header, stored as xkey) for as long as the
# app's Surrogate-Control says, and dropped by key when a write commits: the app
# sends `PURGE` with an `xkey-purge` header from an address in `purgers`.
# Editors (the app's signed-in marker cookie) and the admin always reach an app server.
#
# The app servers are in backends.vcl beside this file (`make cluster` writes one for
# its ports): the backends, the `purgers` ACL, `sub newsroom_backends` (adds each app
# server to the director) and `sub newsroom_media` (routes /media/ to the bucket, or
# does nothing when the app serves its own media).

import std;
import xkey;
import directors;

sub vcl_init {
    new app = directors.round_robin();
    call newsroom_backends;
}

include "backends.vcl";

sub vcl_recv {
    unset req.http.X-Media;  # set only by newsroom_media, never by a client
    set req.backend_hint = app.backend();
    # The request id the app logs, so one request is one id from edge to database.
    if (!req.http.X-Request-ID) {
        set req.http.X-Request-ID = req.xid;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Say which keys to purge in the xkey-purge header."));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    call newsroom_media;
    # Only the app decides which Host is valid (a 400 is never cached), and no
    # header the app would trust about its own address comes from outside.
    unset req.http.X-Forwarded-Host;
    unset req.http.Forwarded;
    if (req.url ~ "^/admin" || req.http.Cookie ~ "(^|;\s*)newsroom_signed_in=") {
        return (pass);
    }
    # Tracking parameters make copies of a page, not new pages.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|mc_eid)=[^&]*", "\1");
    set req.url = regsuball(req.url, "[?&]+$", "");
    set req.url = regsub(req.url, "\?&+", "?");
    set req.url = std.querysort(req.url);
    # A reader's cookies (analytics, a stale session) change nothing on a public page.
    unset req.http.Cookie;
    # While the app servers are healthy a page past its time is fetched again at
    # once; while they are down, the last good copy is served for up to a day.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    # The path alone: one copy of a page whatever Host a client sends.
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.http.X-Media) {
        # Uploads get new names and renditions are named by content: kept a day.
        unset beresp.http.Set-Cookie;
        set beresp.ttl = 1d;
        set beresp.grace = 7d;
        return (deliver);
    }
    if (bereq.url ~ "^/static/" && !beresp.http.Set-Cookie) {
        # Hashed, immutable files: kept as long as their Cache-Control says.
        return (deliver);
    }
    # The app says how long a page may be kept at the edge (until the next scheduled
    # publication at most); what it does not say is not kept.
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+"
        && !beresp.http.Set-Cookie
        && beresp.http.Cache-Control !~ "(private|no-store)") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, ".*max-age=([0-9]+).*", "\1") + "s", 0s);
        set beresp.grace = 24h;
        # Kept under xkey, the one header the vmod reads; every hit copies the stored
        # headers, so what only the edge or the fetch needed is not stored.
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Control;
        unset beresp.http.X-Page-Cache;  # the app's cache, at the time of the fetch
        unset beresp.http.X-Request-ID;  # the fetch's id; vcl_deliver sets the reader's
    } else {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml|feed\+json))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # No app server answered and nothing was in grace.
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "30";
    synthetic("The newsroom is briefly unavailable. Please try again in a minute.");
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "pass";
    } elsif (obj.hits > 0 && (obj.ttl <= 0s || !std.healthy(req.backend_hint))) {
        # Past its time (grace), or kept while no app server answers: it may be stale.
        set resp.http.X-Edge-Cache = "stale";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    # Keys and edge lifetimes are for caches, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    synthetic(resp.reason);
    return (deliver);
}
