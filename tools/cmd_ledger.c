/*
 * nautilus ledger deploy|register|rotate|revoke|checkpoint|audit|status
 *
 * The chain side of a publisher (DESIGN §4): deploys the contracts, binds a
 * name to the state directory's key on the Registry, anchors the Merkle
 * log's head on Checkpoints, and audits a name. Transactions other than the
 * deployment go through the durable outbox in the state directory
 * (outbox-<chain id>.sqlite), so a command interrupted after queueing is
 * finished by the next one; the deployment goes through it too. This file
 * parses the options; the operations are in agent/run/ledger_ops.c, audit in
 * ledger_audit.c, the way through a running agent in ledger_client.c.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "ledger_cli.h"

#ifndef NT_CONTRACTS_DIR
#define NT_CONTRACTS_DIR "contracts/build"
#endif

#define SIGN_FLAGS (LF_RPC | LF_STATE | LF_PROFILE)

static void usage(FILE *out)
{
    fputs("usage: nautilus ledger COMMAND ...\n"
          "  deploy --rpc URL [--profile ethereum|besu] [--chain-id N] [--state DIR]\n"
          "         [--contracts DIR] [--json]       deploy Registry, Checkpoints, Credentials\n"
          "  register NAME --rpc URL --registry ADDR  bind NAME to the state's key\n"
          "  rotate NAME --rpc URL --registry ADDR    bind NAME to the state's current key\n"
          "  revoke NAME --rpc URL --registry ADDR    withdraw NAME's binding\n"
          "  checkpoint --rpc URL --registry ADDR     anchor the Merkle log's head now\n"
          "  audit NAME --rpc URL --registry ADDR [--state DIR] [--json]\n"
          "                                           history, checkpoints, proofs\n"
          "  status [--state DIR] [--chain-id N] [--json]  the outbox's counts\n"
          "Signing commands also take --state DIR, --profile, --chain-id N (ethereum:\n"
          "default 1; besu: required), --confirmations N, --timeout SEC. The node's\n"
          "chain id must be the one given, or nothing is signed.\n"
          "register, rotate, revoke, checkpoint and status go through a running agent\n"
          "that anchors the same state directory on the same chain (its worker is the\n"
          "outbox's one writer), else run in-process:\n" NT_CTLC_HELP
          "Exit: 0 done, 1 audit found an inconsistency, 2 bad usage, 3 node or chain\n"
          "failure, 4 refused by the contract, 5 a local file could not be used.\n",
          out);
}

static int cmd_deploy(int argc, char **argv)
{
    nt_ledger_opts o = {0};
    int rc = nt_ledger_opts_parse(&o, argc, argv, SIGN_FLAGS | LF_JSON | LF_CONTRACTS,
                                  LF_RPC | LF_STATE | LF_PROFILE, usage);
    return rc >= 0 ? rc : nt_ledger_op_deploy(&o, o.contracts ? o.contracts : NT_CONTRACTS_DIR);
}

/* --control/--no-agent out, the options parsed, then the agent if it
 * anchors that state and chain: -1 means run it in-process. */
static int parse_and_ask(nt_ledger_opts *o, int argc, char **argv, unsigned allowed,
                         unsigned required)
{
    nt_ctlc_opts co = {0};
    int rc = nt_ledger_ctl_options(&argc, argv, &co);
    if (rc < 0)
        rc = nt_ledger_opts_parse(o, argc, argv, allowed, required, usage);
    return rc >= 0 ? rc : nt_ledger_via_agent(&co, o);
}

/* register, rotate and revoke: the same options. */
static int cmd_name(int argc, char **argv, nt_chain_call_kind kind)
{
    nt_ledger_opts o = {0};
    int rc = parse_and_ask(&o, argc, argv, SIGN_FLAGS | LF_REGISTRY | LF_NAME,
                           LF_RPC | LF_STATE | LF_PROFILE | LF_REGISTRY | LF_NAME);
    return rc >= 0 ? rc : nt_ledger_op_name(&o, kind);
}

static int cmd_register(int argc, char **argv)
{
    return cmd_name(argc, argv, NT_CHAIN_CALL_REGISTER);
}

static int cmd_rotate(int argc, char **argv)
{
    return cmd_name(argc, argv, NT_CHAIN_CALL_ROTATE);
}

static int cmd_revoke(int argc, char **argv)
{
    return cmd_name(argc, argv, NT_CHAIN_CALL_REVOKE);
}

static int cmd_checkpoint(int argc, char **argv)
{
    nt_ledger_opts o = {0};
    int rc = parse_and_ask(&o, argc, argv, SIGN_FLAGS | LF_REGISTRY,
                           LF_RPC | LF_STATE | LF_PROFILE | LF_REGISTRY);
    return rc >= 0 ? rc : nt_ledger_op_checkpoint(&o);
}

static int cmd_status(int argc, char **argv)
{
    nt_ledger_opts o = {0};
    int rc = parse_and_ask(&o, argc, argv, LF_STATE | LF_PROFILE | LF_JSON, LF_STATE | LF_PROFILE);
    return rc >= 0 ? rc : nt_ledger_op_status(&o);
}

int nt_cmd_ledger(int argc, char **argv)
{
    static const nt_cli_command subs[] = {
        {"audit", "", nt_ledger_audit},         {"checkpoint", "", cmd_checkpoint},
        {"deploy", "", cmd_deploy},             {"register", "", cmd_register},
        {"revoke", "", cmd_revoke},             {"rotate", "", cmd_rotate},
        {"status", "", cmd_status},
    };

    if (argc < 2)
        return nt_cli_usage_error("ledger: a COMMAND is required (try --help)");
    if (nt_cli_is_help(argv[1])) {
        usage(stdout);
        return NT_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return nt_cli_usage_error("ledger: unknown command '%s' (try --help)", argv[1]);
}
