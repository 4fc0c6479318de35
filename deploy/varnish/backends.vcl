# The app servers and who may purge: the defaults of `make cluster` (two app servers
# on this machine). On other hosts, write this file with their addresses.
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "127.0.0.1"; .port = "8001"; .probe = healthz; }
backend app2 { .host = "127.0.0.1"; .port = "8002"; .probe = healthz; }

acl purgers {
    "127.0.0.1";
}

sub newsroom_backends {
    app.add_backend(app1);
    app.add_backend(app2);
}
