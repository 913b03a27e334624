# Tables, class-incremental ridge router on dense random sigmoid features: how the per-task ridge is chosen
# (hold: 20 % held out, the current rule; loo: exact leave-one-out on the task's rows, old statistics fixed; fixed:
# analytic's absolute ridge 1.0), over many seeds (each redraws the 80/20 split, the class order and the features),
# against analytic with fixed ridge 1.0 at equal parameters; loold adds the old rows' training error (worse:
# it favours small ridges), ...c2 keeps the previous ridge (or 1e-3) on a task of one class. Solved in the dual (every table has fewer rows than
# features). usage: exp6.py TABLE[,TABLE...] SEEDS RULES    e.g. exp6.py Glass,iris 10 hold,loo,lool2
import numpy as np, sys
from data import table, strat
sig=lambda z: 1/(1+np.exp(-z))
PARAMS={'Glass':55e3,'Soybean':160e3,'Vehicle':68e3,'Vowel':78e3,'sklearn-digits':213e3,'iris':28e3,'wine':50e3}
GRID=[1e-5,1e-4,1e-3,1e-2,1e-1]
def transform(X):
    sd=X.std(0); rng=X.max(0)-X.min(0); nz=np.sort(rng[rng>0])
    if nz.size and nz[-1]>10*nz[int(np.floor(0.25*(nz.size-1)))]:
        return X.mean(0), np.where(sd<1e-8,1.0,sd)
    return np.full(X.shape[1],X.mean()), np.full(X.shape[1],np.sqrt((sd**2).mean()))
def layer(d,F,rng):
    a=np.sqrt(3/d); return rng.uniform(-a,a,(d,F)), rng.uniform(-1,1,F)
def sequence(name,seed):
    """The seed's 80/20 split, class order and tasks (of 2 classes, 1 below 4 classes), inputs transformed."""
    X,y=table(name); Xtr,ytr,Xte,yte=strat(X,y,seed=seed)
    rng=np.random.default_rng(seed); classes=list(rng.permutation(np.unique(ytr)))
    per=1 if len(classes)<=3 else 2
    T=[classes[i:i+per] for i in range(0,len(classes),per)]
    if len(T[-1])<per and len(T)>1: T[-2]=T[-2]+T[-1]; T=T[:-1]
    m,s=transform(Xtr[np.isin(ytr,T[0])])
    return (Xtr-m)/s,ytr,(Xte-m)/s,yte,classes,T
def run(name,seed,rules):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    out={}
    W,b=layer(d,2500,np.random.default_rng(1000+seed)); P=sig(Z@W+b); Pt=sig(Zt@W+b)
    for rule in rules:
        rows=[]; prev=None; vr=np.random.default_rng(7+seed)
        for t,cls in enumerate(T):
            cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
            Y=np.zeros((len(R),K)); Y[np.arange(len(R)),[cidx[v] for v in ytr[R]]]=1
            seen=[cidx[c] for cc in T[:t+1] for c in cc]
            Kk=P[R]@P[R].T; diag=np.trace(Kk)/P.shape[1]; nc=len(cur); ci=np.arange(len(R)-nc,len(R))
            cands=GRID if prev is None or rule.endswith('full') or (rule[-4:] in ('edge','ec2') and prev in (GRID[0],GRID[-1])) else [r for r in GRID if prev/10.5<=r<=prev*10.5]
            if rule=='fixed': rho=1.0/diag
            elif rule.endswith('c2') and len(cls)<2: rho=prev if prev is not None else 1e-3
            elif rule.startswith('hold'):
                perm=vr.permutation(nc); hv=ci[np.sort(perm[:max(1,round(0.2*nc))])] if nc>=5 else ci[:0]
                fit=np.setdiff1d(np.arange(len(R)),hv); best=None
                for r in sorted(cands,reverse=True):
                    if hv.size==0: best=(0,0,r if prev is None else prev); break
                    A=np.linalg.solve(Kk[np.ix_(fit,fit)]+r*diag*np.eye(fit.size),Y[fit]); S=Kk[np.ix_(hv,fit)]@A
                    acc=(S[:,seen].argmax(1)==(Y[hv][:,seen]).argmax(1)).mean(); err=-((S-Y[hv])**2).sum()
                    if best is None or (acc,err)>best[:2]: best=(acc,err,r)
                rho=best[2]
            else:
                ev,U=np.linalg.eigh(Kk); ev=np.maximum(ev,0); UtY=U.T@Y; best=None
                for r in sorted(cands,reverse=True):
                    f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
                    L=(Yh-h[:,None]*Y[ci])/(1-h)[:,None]
                    acc=(L[:,seen].argmax(1)==Y[ci][:,seen].argmax(1)).mean(); err=-((L-Y[ci])**2).sum()
                    if rule.startswith('loold'):
                        oi=np.arange(len(R)-nc); Yo=U[oi]@(f[:,None]*UtY); err-=((Yo-Y[oi])**2).sum()
                    key=(err,) if rule.startswith('lool') else (acc,err)
                    if best is None or key>best[0]: best=(key,r)
                rho=best[1]
            prev=rho
        A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y); S=(Pt@P[R].T)@A
        pred=np.array(classes)[S.argmax(1)]
        out[rule]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    # analytic at equal parameters, ridge 1.0 absolute (primal size F, dual solve)
    F=int(PARAMS[name]/(d+1+K)); W,b=layer(d,F,np.random.default_rng(2000+seed)); Pa=sig(Z@W+b); Pat=sig(Zt@W+b)
    Y=np.zeros((len(ytr),K)); Y[np.arange(len(ytr)),[cidx[v] for v in ytr]]=1
    A=np.linalg.solve(Pa@Pa.T+np.eye(len(ytr)),Y); pred=np.array(classes)[((Pat@Pa.T)@A).argmax(1)]
    out['analytic']=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    return out
if __name__=='__main__':
    names=sys.argv[1].split(','); seeds=int(sys.argv[2]); rules=sys.argv[3].split(',')
    for name in names:
        res=[run(name,s,rules) for s in range(seeds)]
        keys=list(res[0])
        print(name, ' '.join(f"{k} {np.mean([r[k] for r in res])*100:.2f}" for k in keys),
              '| vs analytic', ' '.join(f"{k} {np.mean([r[k]-r['analytic'] for r in res])*100:+.2f}" for k in keys if k!='analytic'), flush=True)
