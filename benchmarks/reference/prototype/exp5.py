# The class-incremental ridge router on convolutional features (split Fashion-MNIST or MNIST 5x2, natural order): per-task
# ridge rules (near: neighbours of the previous choice; full grid; ext: grid down to 1e-6; fixed 1e-5) and the
# feature standardisation (MODE=std|bias|noshift). Usage: MODE=bias exp5.py fashion-mnist near,full
import numpy as np, sys, time, os
from numpy.lib.stride_tricks import sliding_window_view
from data import load
sig=lambda z: 1/(1+np.exp(-z))
name=sys.argv[1]; K=100; k=5; g=5
Xtr,ytr,Xte,yte=load(name)
m=Xtr[ytr<2].mean(); s=np.sqrt((Xtr[ytr<2].std(0)**2).mean())
rng=np.random.default_rng(0); a=np.sqrt(3/(k*k)); Wf=rng.uniform(-a,a,(k*k,K)).astype(np.float32); bf=rng.uniform(-1,1,K).astype(np.float32)
o=24; edges=np.linspace(0,o,g+1).round().astype(int)
def feats(X):
    out=[]
    for i in range(0,len(X),2000):
        Z=((X[i:i+2000]-m)/s).reshape(-1,28,28).astype(np.float32)
        A=sig(sliding_window_view(Z,(k,k),axis=(1,2)).reshape(len(Z),o,o,k*k)@Wf+bf)
        out.append(np.concatenate([A[:,edges[r]:edges[r+1],edges[c]:edges[c+1],:].mean((1,2)) for r in range(g) for c in range(g)],1))
    return np.concatenate(out)
H=feats(Xtr); He=feats(Xte)
mu=H[ytr<2].mean(0); sd=H[ytr<2].std(0); sd=np.maximum(sd,0.1*np.sqrt((sd**2).mean()))
mode=os.environ.get('MODE','std')
if mode=='noshift': mu=0*mu
H=((H-mu)/sd).astype(np.float32); He=((He-mu)/sd).astype(np.float32)
if mode=='bias': H=np.hstack([H,np.ones((len(H),1),np.float32)]); He=np.hstack([He,np.ones((len(He),1),np.float32)])
F=H.shape[1]
grid=[1e-6,1e-5,1e-4,1e-3,1e-2,1e-1]
def solve(G,C,r): return np.linalg.solve(G+r*np.trace(G)/F*np.eye(F),C)
for rule in sys.argv[2].split(','):
    G=np.zeros((F,F)); C=np.zeros((F,10)); prev=None; vrng=np.random.default_rng(1); chosen=[]
    for t in range(5):
        idx=np.where((ytr==2*t)|(ytr==2*t+1))[0]; Ht=H[idx]; Yt=np.eye(10)[ytr[idx]]
        G+=Ht.T.astype(np.float64)@Ht; C+=Ht.T@Yt
        perm=vrng.permutation(len(idx)); hv=perm[:len(idx)//5]
        Gf=G-Ht[hv].T.astype(np.float64)@Ht[hv]; Cf=C-Ht[hv].T@Yt[hv]
        cands=[r for r in grid if r>=1e-5 or rule=='ext']
        if rule in('near','ext') and prev is not None: cands=[r for r in cands if prev/10.5<=r<=prev*10.5]
        if rule=='fixed': r=1e-5
        else:
            best=None
            for r in sorted(cands,reverse=True):
                acc=(np.argmax(Ht[hv]@solve(Gf,Cf,r),1)==ytr[idx][hv]).mean()
                if best is None or acc>best[0]: best=(acc,r)
            r=best[1]
        prev=r; chosen.append(r)
        B=solve(G,C,r); seen=yte<2*t+2
    print(mode,rule,'chosen',chosen,'final acc %.4f'%(np.argmax(He@B,1)==yte).mean(),flush=True)
