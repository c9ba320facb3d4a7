/**
 * The Python text of `launch/ray/driver.py` (below the header). Plain `python driver.py` with
 * `ray.init(address=...)`, never `ray job submit`. Two modes:
 *   driver.py [PROGRAM ARGS]           runs the generated program with `--launcher ray` on this
 *                                      machine (the head), telling it where this driver is;
 *   driver.py stage [--world N] [--cpu] -- PYTHON ARGS...
 *                                      what the program's `ray` launcher runs per stage: N rank
 *                                      actors in a placement group (one bundle per rank: one GPU,
 *                                      or one CPU), each running the worker with the torchrun
 *                                      environment; exits with the first failing rank's code.
 */
export function rayDriverSource(o: { address: string; programCommand: readonly string[]; runId: string; nodes: number; ranksPerNode: number; cpu: boolean }): string {
  const [program = "node", ...args] = o.programCommand;
  return `import argparse
import os
import signal
import socket
import subprocess
import sys
from collections import deque

BUNDLE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDRESS = os.environ.get("ALIGN_RAY_ADDRESS", ${JSON.stringify(o.address)})
NODES = ${o.nodes}
RANKS_PER_NODE = ${o.ranksPerNode}
GPU = ${o.cpu ? "False" : "True"}


def run_program(argv):
    """The whole recipe: the generated program on this machine, its stages placed by Ray."""
    env = dict(os.environ)
    env.update(ALIGN_RAY_DRIVER=os.path.abspath(__file__), ALIGN_RAY_ADDRESS=ADDRESS,
               ALIGN_NNODES=str(NODES), ALIGN_PYTHON=env.get("ALIGN_PYTHON", sys.executable))
    if NODES > 1 and not env.get("ALIGN_HEAD_ADDR"):
        # The judge server runs here; ranks on the other nodes reach it at this node's address.
        from ray.util import get_node_ip_address
        env["ALIGN_HEAD_ADDR"] = get_node_ip_address()
    runs = env.get("ALIGN_RUNS", os.path.join(BUNDLE, "runs"))
    run_dir = os.path.join(runs, env.get("ALIGN_RUN_ID", ${JSON.stringify(o.runId)}))
    node = env.get("NODE", ${JSON.stringify(program)})
    cmd = [node, ${args.map((a) => `os.path.join(BUNDLE, ${JSON.stringify(a)})`).join(", ")}, "--launcher", "ray", "--run-dir", run_dir, *argv]
    child = subprocess.Popen(cmd, env=env)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: child.send_signal(s))
    return child.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def _gpu_order(gpu_id):
    return (0, int(gpu_id), "") if str(gpu_id).isdigit() else (1, 0, str(gpu_id))


def local_layout(placements):
    """Per rank, from where Ray placed it ((node id, its GPU ids) per rank): LOCAL_RANK,
    LOCAL_WORLD_SIZE and, with GPUs, CUDA_VISIBLE_DEVICES naming all GPUs of the node's ranks.
    Like Ray Train, ranks on a node see each other's GPUs: NCCL's intra-node transports
    (NVLink, NVSwitch) misbehave when every process sees only its own device."""
    by_node = {}
    for node, gpus in placements:
        by_node.setdefault(node, []).append(gpus)
    layout = []
    seen = {}
    for node, gpus in placements:
        ranks = by_node[node]
        visible = sorted({str(g) for ids in ranks for g in ids}, key=_gpu_order)
        env = {"LOCAL_WORLD_SIZE": str(len(ranks))}
        if visible:
            env["CUDA_VISIBLE_DEVICES"] = ",".join(visible)
            env["LOCAL_RANK"] = str(visible.index(str(gpus[0])))
        else:
            env["LOCAL_RANK"] = str(seen.get(node, 0))
        seen[node] = seen.get(node, 0) + 1
        layout.append(env)
    return layout


def make_rank_actor(ray):
    @ray.remote(max_concurrency=2)
    class Rank:
        """One rank: the worker as a child process, stoppable while it runs."""

        def __init__(self):
            self.child = None

        def address(self):
            return ray.util.get_node_ip_address(), free_port()

        def placement(self):
            return ray.get_runtime_context().get_node_id(), [str(g) for g in ray.get_gpu_ids()]

        def run(self, argv, env):
            full = dict(os.environ)
            full.update(env)
            self.child = subprocess.Popen(argv, env=full, stdout=sys.stdout, stderr=subprocess.PIPE, text=True,
                                          start_new_session=True)
            tail = deque(maxlen=20)
            for line in self.child.stderr:
                sys.stderr.write(line)
                sys.stderr.flush()
                if line.strip():
                    tail.append(line.rstrip())
            return self.child.wait(), list(tail)

        def stop(self, sig):
            if self.child is not None and self.child.poll() is None:
                os.killpg(self.child.pid, sig)

    return Rank


def run_stage(world, gpu, argv):
    import ray
    from ray.util.placement_group import placement_group
    from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

    ray.init(address=ADDRESS, log_to_driver=True)
    bundle = {"GPU": 1, "CPU": 1} if gpu else {"CPU": 1}
    # PACK fills a node before the next one, so a node's ranks share it; one bundle per rank.
    group = placement_group([dict(bundle) for _ in range(world)], strategy="PACK")
    ray.get(group.ready(), timeout=float(os.environ.get("ALIGN_RAY_PLACEMENT_TIMEOUT", "600")))
    Rank = make_rank_actor(ray)
    ranks = [Rank.options(num_cpus=1, num_gpus=1 if gpu else 0,
                          scheduling_strategy=PlacementGroupSchedulingStrategy(group, placement_group_bundle_index=i)).remote()
             for i in range(world)]
    master_addr, master_port = ray.get(ranks[0].address.remote())
    stopping = []

    def stop(sig, _frame):
        stopping.append(sig)
        for r in ranks:
            r.stop.remote(sig)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    # The driver's environment (PYTHONPATH, the run's secrets, NCCL_*) goes to every rank, as srun
    # does; Ray's own variables stay the rank's, and its GPUs come from where Ray placed it.
    shared = {k: v for k, v in os.environ.items() if not k.startswith("RAY_") and k != "CUDA_VISIBLE_DEVICES"}
    layout = local_layout(ray.get([r.placement.remote() for r in ranks]))
    runs = [r.run.remote(argv, {**shared, **layout[i], "RANK": str(i), "WORLD_SIZE": str(world),
                                "MASTER_ADDR": master_addr, "MASTER_PORT": str(master_port), "PYTHONUNBUFFERED": "1"})
            for i, r in enumerate(ranks)]
    pending = list(runs)
    code = 0
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        rank = runs.index(done[0])
        rc, tail = ray.get(done[0])
        if rc != 0 and code == 0:
            code = rc if rc > 0 else 128 - rc
            print(f"align-ray: rank {rank} exited {rc}: {tail[-1] if tail else 'no output'}", file=sys.stderr, flush=True)
            stop(signal.SIGTERM, None)
    ray.util.remove_placement_group(group)
    return code


def main(argv):
    if argv[:1] != ["stage"]:
        return run_program(argv)
    parser = argparse.ArgumentParser(prog="driver.py stage")
    parser.add_argument("--world", type=int, default=NODES * RANKS_PER_NODE)
    parser.add_argument("--cpu", action="store_true", help="one CPU per rank instead of one GPU")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    a = parser.parse_args(argv[1:])
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        parser.error("give the worker command after --")
    return run_stage(a.world, GPU and not a.cpu, command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
`;
}
