/* agent/run/svc_args.c - checks of a service's type, subtypes and TXT
 * entries shared by publish's command line and the agent's requests
 * (svc_args.h). */
#include <stdio.h>
#include <string.h>

#include "svc_args.h"

bool nt_svc_type_ok(const char *t)
{
    const char *dot = strchr(t, '.');
    size_t n;
    if (t[0] != '_' || !dot)
        return false;
    n = (size_t)(dot - t) - 1;
    return n >= 1 && n <= 15 && (strcmp(dot, "._tcp") == 0 || strcmp(dot, "._udp") == 0);
}

bool nt_svc_subtype_label(char *out, size_t cap, const char *s)
{
    int n;
    if (!s || s[0] == 0 || strlen(s) > 62 || strchr(s, '.'))
        return false;
    n = snprintf(out, cap, "%s%s", s[0] == '_' ? "" : "_", s);
    return n > 0 && (size_t)n < cap;
}

bool nt_svc_txt_item_ok(const char *item)
{
    size_t n = strlen(item), i;
    for (i = 0; i < n && item[i] != '='; i++)
        if ((unsigned char)item[i] < 0x20 || (unsigned char)item[i] > 0x7e)
            return false;
    return i > 0 && n <= 255;
}
