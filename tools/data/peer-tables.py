#!/usr/bin/env python3
"""Markdown tables from the peer harness's JSON (tools/OnnxAudio.Peers --out DIR), for the README and model cards.
Usage: peer-tables.py denoise|codec RESULTS_DIR [SET ...]   (RESULTS_DIR/<mode>-<set>/<mode>-peers.json)"""
import json, sys, collections

mode, root, sets = sys.argv[1], sys.argv[2], sys.argv[3:] or ["flite", "real", "espeak"]
names = {"flite": "(a) unseen synthesizer (flite)", "real": "(b) unseen real speakers", "espeak": "(c) espeak-ng test voices"}
for s in sets:
    rows = [r for r in json.load(open(f"{root}/{mode}-{s}/{mode}-peers.json")) if r["files"] > 0]
    files = rows[0]["files"]
    print(f"\n{names.get(s, s)}, {files} files:\n")
    if mode == "codec":
        print("| system | kbit/s (file) | STOI | mel dist. | DNSMOS SIG | BAK | OVRL |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            m, d = r["mean"], r["dnsmos"]
            print(f"| {r['system']} | {r['kbps']:.2f} | {m['stoi']:.3f} | {m['mel_distance']:.3f} | {d['sig']:.2f} | {d['bak']:.2f} | {d['ovrl']:.2f} |")
        continue
    print("| system | SI-SDR | STOI | DNSMOS OVRL | SI-SDR @0 | STOI @0 | SI-SDR @5 | STOI @5 | SI-SDR @10 | STOI @10 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        m, d = r["mean"], r["dnsmos"]
        by = collections.defaultdict(list)
        for f in r["per_file"]:
            by[round(f["snr_db"])].append(f["metrics"])
        cells = " | ".join(f"{sum(x['si_sdr'] for x in by[l]) / len(by[l]):.2f} | {sum(x['stoi'] for x in by[l]) / len(by[l]):.3f}" for l in sorted(by))
        print(f"| {r['system']} | {m['si_sdr']:.2f} | {m['stoi']:.3f} | {d['ovrl']:.2f} | {cells} |")
    noises = sorted({f["noise"] for r in rows for f in r["per_file"] if f["noise"]})
    print("\nPer noise (SI-SDR dB / STOI / DNSMOS OVRL):\n")
    print("| system | " + " | ".join(noises) + " |\n| --- |" + " ---: |" * len(noises))
    for r in rows:
        cells = []
        for n in noises:
            fs = [f for f in r["per_file"] if f["noise"] == n]
            cells.append(f"{sum(f['metrics']['si_sdr'] for f in fs) / len(fs):.1f} / {sum(f['metrics']['stoi'] for f in fs) / len(fs):.3f} / {sum(f['dnsmos']['ovrl'] for f in fs) / len(fs):.2f}")
        print(f"| {r['system']} | " + " | ".join(cells) + " |")
    # The denoiser issue's first bar: STOI of the output at or above the noisy input in every SNR x noise group.
    noisy = next((r for r in rows if r["system"].startswith("noisy")), None)
    if noisy is None:
        continue
    def groups(r):
        by = collections.defaultdict(list)
        for f in r["per_file"]:
            by[(f["noise"], round(f["snr_db"]))].append(f["metrics"]["stoi"])
        return {k: sum(v) / len(v) for k, v in by.items()}
    base = groups(noisy)
    keys = sorted(base)
    print("\nSTOI per noise and SNR (* below the noisy input):\n")
    print("| system | " + " | ".join(f"{n} {s}" for n, s in keys) + " |\n| --- |" + " ---: |" * len(keys))
    for r in rows:
        g = groups(r)
        print(f"| {r['system']} | " + " | ".join(f"{g[k]:.3f}" + ("*" if g[k] < base[k] else "") for k in keys) + " |")
