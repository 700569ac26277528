/*
 * A subscriber to a Nautilus agent's trust-event bus, in C, with the client
 * library (include/nautilus/bus.h). The library checks the authentication
 * (hash chain and signed heads, DESIGN §6), puts events in seq order, and
 * fills gaps from the snapshot endpoint; this program only prints.
 *
 *   cc subscriber.c $(pkg-config --cflags --libs nautilus) -o subscriber
 *   ./subscriber tcp://127.0.0.1:7405 tcp://127.0.0.1:7406 [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>

#include <nautilus/bus.h>

int main(int argc, char **argv)
{
    nt_bus_sub_config cfg = {0};
    nt_bus_sub *sub;
    nt_bus_sub_event ev;
    nt_bus_sub_stats st;
    char why[256];
    long count = argc > 3 ? strtol(argv[3], NULL, 10) : -1, events = 0;

    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s ENDPOINT [SNAPSHOT-ENDPOINT [COUNT]]\n", argv[0]);
        return 2;
    }
    cfg.endpoint = argv[1];
    cfg.snapshot_endpoint = argc > 2 ? argv[2] : NULL;
    if (nt_bus_sub_create(&sub, &cfg, why, sizeof why) != NT_OK) {
        fprintf(stderr, "subscriber: %s\n", why);
        return 2;
    }
    while (count < 0 || events < count) {
        nt_status s = nt_bus_sub_next(sub, &ev, 10000);
        if (s == NT_ERR_TIMEOUT)
            break; /* nothing for 10 s, not even a head: the agent is gone */
        if (s != NT_OK) {
            fprintf(stderr, "subscriber: %s\n", nt_strerror(s));
            break;
        }
        switch (ev.kind) {
        case NT_BUS_SUB_EVENT:
            printf("%llu %s %s\n", (unsigned long long)ev.seq, ev.topic, ev.body);
            events++;
            break;
        case NT_BUS_SUB_SNAPSHOT_ITEM:
            printf("= %llu %s %s\n", (unsigned long long)ev.seq, ev.topic, ev.body);
            break;
        case NT_BUS_SUB_SNAPSHOT_BEGIN:
            printf("# state follows\n");
            break;
        case NT_BUS_SUB_SNAPSHOT_END:
            printf("# state as of seq %llu\n", (unsigned long long)ev.seq);
            break;
        case NT_BUS_SUB_GAP:
            printf("# events %llu..%llu lost\n", (unsigned long long)ev.gap_from,
                   (unsigned long long)ev.gap_to);
            break;
        }
        fflush(stdout);
    }
    nt_bus_sub_get_stats(sub, &st);
    fprintf(stderr, "subscriber: %llu events, %llu gaps, %llu resyncs, %llu refused\n",
            (unsigned long long)st.delivered, (unsigned long long)st.gaps,
            (unsigned long long)st.resyncs, (unsigned long long)st.refused);
    nt_bus_sub_destroy(sub);
    return events > 0 ? 0 : 1;
}
