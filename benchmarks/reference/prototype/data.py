# Readers of the shared datasets for the prototype (IDX, mlbench/sklearn CSV) and a stratified 80/20 split.
import numpy as np, gzip, csv, io
import os
# the shared data folder beside the clone, or $AUTOACTIVATOR_DATA
D=os.environ.get('AUTOACTIVATOR_DATA', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../shared/data'))+'/'
def idx(path):
    with gzip.open(path) as f: b=f.read()
    magic=int.from_bytes(b[:4],'big')
    if magic==2051:
        n,r,c=[int.from_bytes(b[4+4*i:8+4*i],'big') for i in range(3)]
        return np.frombuffer(b,np.uint8,offset=16).reshape(n,r*c).astype(np.float32)/255
    n=int.from_bytes(b[4:8],'big'); return np.frombuffer(b,np.uint8,offset=8).astype(int)
def images(name):
    p=D+name+'/'
    return idx(p+'train-images-idx3-ubyte.gz'),idx(p+'train-labels-idx1-ubyte.gz'),idx(p+'t10k-images-idx3-ubyte.gz'),idx(p+'t10k-labels-idx1-ubyte.gz')
def table(name):
    rows=[]
    if name.startswith('sklearn-digits'):
        X=np.loadtxt(gzip.open(D+'tabular/sklearn-digits.csv.gz'),delimiter=','); return X[:,:-1].astype(np.float32),X[:,-1].astype(int)
    if name in('iris','wine'):
        X=np.loadtxt(D+'tabular/sklearn-%s.csv'%name,delimiter=',',skiprows=1); return X[:,:-1].astype(np.float32),X[:,-1].astype(int)
    f=gzip.open(D+'tabular/mlbench-%s.csv.gz'%name,'rt'); r=list(csv.reader(f)); hdr=r[0]; r=r[1:]
    lab= 0 if name=='Soybean' else len(hdr)-1
    r=[x for x in r if 'NA' not in x]
    labels=[x[lab] for x in r]; cl=sorted(set(labels)); y=np.array([cl.index(l) for l in labels])
    cols=[i for i in range(len(hdr)) if i!=lab]
    X=np.array([[float(x[i]) for i in cols] for x in r],np.float32)
    return X,y
def strat(X,y,frac=0.2,seed=1):
    rng=np.random.default_rng(seed); te=np.zeros(len(y),bool)
    for c in np.unique(y):
        i=np.where(y==c)[0]; rng.shuffle(i); h=max(1,min(len(i)-1,round(frac*len(i)))); te[i[:h]]=True
    return X[~te],y[~te],X[te],y[te]
def load(name):
    if name in('mnist','fashion-mnist'): return images(name)
    X,y=table(name); return strat(X,y)
