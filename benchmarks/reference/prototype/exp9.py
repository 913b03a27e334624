# Tables, class-incremental ridge router on dense random sigmoid features: the router's ridge by exact leave-one-out
# on the newest task's rows (looW: the current rule, the previous task's neighbours first then a walk along the grid
# while the error falls, the grid's middle on a first task of one class) against generalised cross-validation over
# EVERY row seen so far (gcv: RSS / (1 - tr(H)/N)^2, both from the accumulated statistics: no old sample needed),
# and analytic's fixed absolute ridge 1.0 (fixed); inputs with the dense-feature transform rule. Many seeds (each
# redraws the 80/20 split, the class order and the features). usage: exp9.py TABLE[,TABLE...] SEEDS RULES [GRID]
import numpy as np, sys
from data import table, strat
sig=lambda z: 1/(1+np.exp(-z))
PARAMS={'Glass':55e3,'Soybean':160e3,'Vehicle':68e3,'Vowel':78e3,'sklearn-digits':213e3,'iris':28e3,'wine':50e3}
import os
POOLED=os.environ.get('POOLED')=='1'  # global scale: the pooled std of every value (1) or the rms of the features' stds
GRID=[1e-5,1e-4,1e-3,1e-2,1e-1]
def transform(X):
    sd=X.std(0); rng=X.max(0)-X.min(0)
    m=min(len(X),4096); dense=np.array([np.unique(X[:m,j],return_counts=True)[1].max()*2<m for j in range(X.shape[1])])
    r=rng[dense&(rng>1e-8)]
    if r.size>=2 and r.max()>10*r.min():
        return X.mean(0), np.where(sd<1e-8,1.0,sd)
    if POOLED: return np.full(X.shape[1],X.mean()), np.full(X.shape[1],X.std())
    return np.full(X.shape[1],X.mean(0).mean()), np.full(X.shape[1],np.sqrt((sd**2).mean()))
def layer(d,F,rng):
    a=np.sqrt(3/d); return rng.uniform(-a,a,(d,F)), rng.uniform(-1,1,F)
def sequence(name,seed):
    X,y=table(name); Xtr,ytr,Xte,yte=strat(X,y,seed=seed)
    rng=np.random.default_rng(seed); classes=list(rng.permutation(np.unique(ytr)))
    per=1 if len(classes)<=3 else 2
    T=[classes[i:i+per] for i in range(0,len(classes),per)]
    if len(T[-1])<per and len(T)>1: T[-2]=T[-2]+T[-1]; T=T[:-1]
    m,s=transform(Xtr[np.isin(ytr,T[0])])
    return (Xtr-m)/s,ytr,(Xte-m)/s,yte,classes,T
def task_system(P,R,nc,ytr,cidx,K,T,t):
    # after task t (rows R, the last nc of them new): one-hot targets (all classes, and the seen ones), the kernel,
    # the Gram's mean diagonal, the new rows' indices and the kernel's eigendecomposition with U^T Ys
    Y=np.zeros((len(R),K)); Y[np.arange(len(R)),[cidx[v] for v in ytr[R]]]=1
    seen=[cidx[c] for cc in T[:t+1] for c in cc]; Ys=Y[:,seen]
    Kk=P[R]@P[R].T; diag=np.trace(Kk)/P.shape[1]; ci=np.arange(len(R)-nc,len(R))
    ev,U=np.linalg.eigh(Kk); ev=np.maximum(ev,0)
    return Y,Ys,Kk,diag,ci,ev,U,U.T@Ys
def analytic(name,seed,Z,ytr,Zt,yte,classes,T):
    # analytic at the learner's parameter count: all the data's ridge fit (absolute ridge 1); ACC, its layer, targets
    d=Z.shape[1]; K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    F=int(PARAMS[name]/(d+1+K)); W,b=layer(d,F,np.random.default_rng(2000+seed)); Pa=sig(Z@W+b); Pat=sig(Zt@W+b)
    Y=np.zeros((len(ytr),K)); Y[np.arange(len(ytr)),[cidx[v] for v in ytr]]=1
    A=np.linalg.solve(Pa@Pa.T+np.eye(len(ytr)),Y); pred=np.array(classes)[((Pat@Pa.T)@A).argmax(1)]
    return np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T]),W,b,Y
def run(name,seed,rules,grid):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    out={}
    W,b=layer(d,2500,np.random.default_rng(1000+seed)); P=sig(Z@W+b); Pt=sig(Zt@W+b)
    for rule in rules:
        rows=[]; prev=None; chosen=[]
        for t,cls in enumerate(T):
            cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
            Y,Ys,Kk,diag,ci,ev,U,UtY=task_system(P,R,len(cur),ytr,cidx,K,T,t)
            def loo(r):
                f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
                L=(Yh-h[:,None]*Ys[ci])/(1-h)[:,None]; return ((L-Ys[ci])**2).sum()
            def gcv(r):
                f=ev/(ev+r*diag); Yh=U@(f[:,None]*UtY); N=len(R); return ((Yh-Ys)**2).sum()/(1-f.sum()/N)**2
            if rule=='fixed': rho=1.0/diag
            elif rule=='gcv':
                rho=min(sorted(grid,reverse=True),key=gcv)
            elif rule=='looW':
                if t==0 and len(cls)==1: rho=grid[len(grid)//2]
                else:
                    g=sorted(grid)
                    lo,hi=(0,len(g)-1) if prev is None or prev<g[0] or prev>g[-1] else (min(i for i in range(len(g)) if g[i]>=prev/10.5), max(i for i in range(len(g)) if g[i]<=prev*10.5))
                    err={i:loo(g[i]) for i in range(hi,lo-1,-1)}
                    best=min(sorted(err,reverse=True),key=lambda i:err[i])
                    while best==hi and hi+1<len(g):
                        hi+=1; err[hi]=loo(g[hi]);
                        if err[hi]<=err[best]: best=hi
                    while best==lo and lo>0:
                        lo-=1; err[lo]=loo(g[lo])
                        if err[lo]<err[best]: best=lo
                    rho=g[best]
            prev=rho; chosen.append(rho)
        A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y); S=(Pt@P[R].T)@A
        pred=np.array(classes)[S.argmax(1)]
        out[rule]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    out['analytic'],_,_,_=analytic(name,seed,Z,ytr,Zt,yte,classes,T)
    return out
def report(run):
    # usage: TABLE[,TABLE...] SEEDS RULES [GRID]: the mean ACC of each rule over the seeds, and its gap to analytic
    names=sys.argv[1].split(','); seeds=int(sys.argv[2]); rules=sys.argv[3].split(',')
    grid=[float(g) for g in sys.argv[4].split(',')] if len(sys.argv)>4 else GRID
    for name in names:
        res=[run(name,s,rules,grid) for s in range(seeds)]
        keys=list(res[0])
        print(name, ' '.join(f"{k} {np.mean([r[k] for r in res])*100:.2f}" for k in keys),
              '| vs analytic', ' '.join(f"{k} {np.mean([r[k]-r['analytic'] for r in res])*100:+.2f}" for k in keys if k!='analytic'), flush=True)
if __name__=='__main__':
    report(run)
