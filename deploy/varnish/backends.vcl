# The app servers, who may purge, and where media live: the defaults of
# `make cluster` (two app servers and SeaweedFS on this machine). On other hosts,
# write this file with their addresses (docs/deployment.md).
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "127.0.0.1"; .port = "8001"; .probe = healthz; }
backend app2 { .host = "127.0.0.1"; .port = "8002"; .probe = healthz; }
backend media { .host = "127.0.0.1"; .port = "8333"; }

acl purgers {
    "127.0.0.1";
}

sub newsroom_backends {
    app.add_backend(app1);
    app.add_backend(app2);
}

# /media/x is the object media/x in the bucket newsroom-media.
sub newsroom_media {
    if (req.url ~ "^/media/") {
        set req.backend_hint = media;
        set req.http.X-Media = "1";
        set req.url = regsub(req.url, "^/media/", "/newsroom-media/media/");
    }
}
