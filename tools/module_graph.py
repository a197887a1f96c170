#!/usr/bin/env python3
"""The module graph of src/: modules, edges (who names whom through crate::),
levels (the longest chain of imports) and cycles. Unit-test modules are left out.

    python3 tools/module_graph.py 1     # layers (each folder under src/ is one)
    python3 tools/module_graph.py 2 -v  # the modules inside each layer, listed
"""
import re,os,sys,collections
LAYERS={'domain','plan','document','layout','formats','store','app','ui','cli'}
def strip_tests(code):
    out='';rest=code
    while '#[cfg(test)]' in rest:
        at=rest.index('#[cfg(test)]'); out+=rest[:at]; after=rest[at:]
        if not after[12:].lstrip().startswith('mod '): out+=after[:12]; rest=after[12:]; continue
        o=after.index('{'); d=0
        for i,c in enumerate(after[o:]):
            if c=='{': d+=1
            elif c=='}':
                d-=1
                if d==0: rest=after[o+i+1:]; break
    return out+rest
def code_of(t): return strip_tests('\n'.join(l.split('//')[0] for l in t.split('\n')))
def mod_of(rel, depth):
    parts=rel.split('/')
    first=parts[0].removesuffix('.rs')
    if depth==1 or first not in LAYERS or len(parts)==1 or parts[1]=='mod.rs': return first
    return first+'::'+parts[1].removesuffix('.rs')
def refs(code, depth):
    out=set()
    for m in re.finditer(r'crate::', code):
        rest=code[m.end():]
        if rest.startswith('{'):
            d=0;items=['']
            for c in rest[1:]:
                if c=='}' and d==0: break
                if c==',' and d==0: items.append(''); continue
                if c=='{': d+=1
                if c=='}': d-=1
                items[-1]+=c
            heads=[it.strip() for it in items]
        else: heads=[rest]
        for h in heads:
            segs=re.match(r'[A-Za-z0-9_:]*',h).group(0).split('::')
            segs=[s for s in segs if s]
            if not segs: continue
            if depth==2 and segs[0] in LAYERS and len(segs)>1 and re.match('^[a-z_]+$',segs[1]): out.add(segs[0]+'::'+segs[1])
            else: out.add(segs[0])
    return out
depth=int(sys.argv[1]) if len(sys.argv)>1 else 1
g=collections.defaultdict(set); mods=set()
for dp,dn,fn in os.walk('src'):
    for f in fn:
        if not f.endswith('.rs') or f in('lib.rs','main.rs'): continue
        p=os.path.join(dp,f); rel=os.path.relpath(p,'src')
        m=mod_of(rel,depth); mods.add(m)
        g[m]|=refs(code_of(open(p).read()),depth)
for m in mods: g[m]={x for x in g[m] if x!=m and x in mods}
edges=sum(len(v) for v in g.values())
# levels & cycles via SCC
idx={};low={};st=[];on=set();sccs=[];c=[0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
    for w in g[v]:
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v:break
        sccs.append(comp)
for v in sorted(mods):
    if v not in idx: sc(v)
cyc=[s for s in sccs if len(s)>1]
level={}
def lv(v,seen=()):
    if v in level: return level[v]
    if v in seen: return 0
    level[v]=1+max([lv(w,seen+(v,)) for w in g[v]]+[0]); return level[v]
for v in mods: lv(v)
print(f"modules {len(mods)} edges {edges} levels {max(level.values())} cycles {len(cyc)} {cyc}")
if '-v' in sys.argv:
    for m in sorted(mods,key=lambda m:(level[m],m)): print(level[m], m, '->', ' '.join(sorted(g[m])))
